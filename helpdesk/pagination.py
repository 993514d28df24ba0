from rest_framework import pagination
from rest_framework.utils.urls import replace_query_param


class PageNumberPagination(pagination.PageNumberPagination):
    """Page-number pagination whose page size a client may choose, up to a cap.

    A larger size asked for is cut to the cap, and the `next`/`previous` links carry the size
    actually used, so a client sees what it got."""

    page_size_query_param = "page_size"
    max_page_size = 100

    def get_next_link(self):
        return self._with_page_size(super().get_next_link())

    def get_previous_link(self):
        return self._with_page_size(super().get_previous_link())

    def _with_page_size(self, url):
        if url is None or self.page_size_query_param not in self.request.query_params:
            return url
        return replace_query_param(url, self.page_size_query_param, self.page.paginator.per_page)
