from rest_framework import pagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from incidents.paging import COUNT_CAP, CappedPaginator


class PageNumberPagination(pagination.PageNumberPagination):
    """Page-number pagination whose page size a client may choose, up to a cap.

    A larger size asked for is cut to the cap, and the `next`/`previous` links carry the size
    actually used, so a client sees what it got. The count stops at COUNT_CAP: past it `count`
    is the cap and `count_capped` is true (counting further costs as much as reading them)."""

    page_size_query_param = "page_size"
    max_page_size = 100
    django_paginator_class = CappedPaginator

    def paginate_queryset(self, queryset, request, view=None):
        """DRF's, with the Django paginator the view names in `django_paginator_class`, as filter
        backends read their settings off the view (the ticket list pages a queryset of ids
        with incidents.paging.HeadFirstPaginator: the count and the page in one query)."""
        self.django_paginator_class = getattr(view, "django_paginator_class", CappedPaginator)
        return super().paginate_queryset(queryset, request, view)

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "count_capped": self.page.paginator.capped,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"]["description"] = f"Exact up to {COUNT_CAP:,}."
        response["properties"]["count_capped"] = {
            "type": "boolean",
            "description": f"True when there are more than {COUNT_CAP:,} and `count` says "
            f"{COUNT_CAP:,}.",
        }
        response["required"] = ["count", "count_capped", "results"]
        return response

    def get_next_link(self):
        return self._with_page_size(super().get_next_link())

    def get_previous_link(self):
        return self._with_page_size(super().get_previous_link())

    def _with_page_size(self, url):
        if url is None or self.page_size_query_param not in self.request.query_params:
            return url
        return replace_query_param(url, self.page_size_query_param, self.page.paginator.per_page)
