from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """Page-number pagination whose page size a client may choose, up to a cap."""

    page_size_query_param = "page_size"
    max_page_size = 100
