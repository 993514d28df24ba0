"""Paging for long ticket lists, shared by the desk and the API: the count stops at a cap.

Counting every ticket a supervisor may see costs as much as reading them all; like the admin's
`show_full_result_count = False`, the count stops at COUNT_CAP and says so. Pages past the cap
stay reachable: a page is read with its own LIMIT/OFFSET, and there is a next page while this
one is full.

The cap is 1,000 ("1,000+"): no one pages through more, and the count reads a row for every
ticket it counts. At 1M tickets on PostgreSQL a cap of 10,000 made the count most of an agent's
list (20–25 ms of 32–39 ms); at 1,000 it is 3 ms."""

from functools import cached_property

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator

COUNT_CAP = 1_000


class CappedPaginator(Paginator):
    count_cap = COUNT_CAP

    def __init__(self, object_list, per_page, *args, head=None, **kwargs):
        """`head`: the first count_cap + 1 items of a queryset `object_list`, when the caller
        has read them already (or all of them, if fewer): then nothing is counted again and a
        page among them is taken from them."""
        if head is not None and len(head) <= self.count_cap:
            object_list = head  # every item: the pages are slices of it
        super().__init__(object_list, per_page, *args, **kwargs)
        self.head = head
        if head is not None:
            self._counted = min(len(head), self.count_cap + 1)

    @cached_property
    def _counted(self):
        """The number of items, up to count_cap + 1 (one more tells that there are more)."""
        items = self.object_list
        if hasattr(items, "values"):
            return items.order_by().values("pk")[: self.count_cap + 1].count()
        return min(len(items), self.count_cap + 1)

    @property
    def count(self):
        return min(self._counted, self.count_cap)

    @property
    def capped(self):
        """Are there more items than `count` says?"""
        return self._counted > self.count_cap

    def validate_number(self, number):
        if not self.capped:
            return super().validate_number(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            raise PageNotAnInteger(self.error_messages["invalid_page"]) from None
        if number < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return number

    def page(self, number):
        """Past the cap a page is read by its offset; an empty one beyond the first is a 404."""
        if not self.capped:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        if self.head is not None and bottom + self.per_page <= len(self.head):
            items = self.head[bottom : bottom + self.per_page]
        else:
            items = list(self.object_list[bottom : bottom + self.per_page])
        if not items and number > 1:
            raise EmptyPage(self.error_messages["no_results"])
        return CappedPage(items, number, self)


class HeadFirstPaginator(CappedPaginator):
    """For a queryset of ids: reads the first count_cap + 1 itself, in one query that gives the
    count and any page among them, where a COUNT and the page's query were two (the desk's
    queue and the API's ticket list, issue 29). Ids only: a thousand of them cost less to read
    than a query more; whole rows would not."""

    def __init__(self, object_list, per_page, *args, **kwargs):
        head = list(object_list[: self.count_cap + 1])
        super().__init__(object_list, per_page, *args, head=head, **kwargs)


class CappedPage(Page):
    def has_next(self):
        return len(self.object_list) == self.paginator.per_page
