import pytest
from django.core.paginator import EmptyPage

from incidents.models import Ticket
from incidents.paging import CappedPaginator


@pytest.fixture
def five_tickets(make_ticket, customer):
    return [make_ticket(customer, subject=f"t{n}") for n in range(5)]


class SmallCap(CappedPaginator):
    count_cap = 3


def test_count_is_exact_up_to_the_cap(five_tickets):
    paginator = CappedPaginator(Ticket.objects.order_by("pk"), 2)

    assert (paginator.count, paginator.capped, paginator.num_pages) == (5, False, 3)


def test_past_the_cap_the_count_stops_and_pages_stay_reachable(five_tickets):
    paginator = SmallCap(Ticket.objects.order_by("pk"), 2)

    assert (paginator.count, paginator.capped) == (3, True)
    last = paginator.page("3")
    assert [t.subject for t in last] == ["t4"]
    assert not last.has_next() and paginator.page(2).has_next()
    with pytest.raises(EmptyPage):
        paginator.page(4)


def test_the_api_says_whether_its_count_is_capped(five_tickets, api, supervisor, monkeypatch):
    client = api(supervisor)
    assert client.get("/api/tickets/").json()["count_capped"] is False

    monkeypatch.setattr(CappedPaginator, "count_cap", 3)
    body = client.get("/api/tickets/?page_size=2&page=3&ordering=id").json()
    assert (body["count"], body["count_capped"], len(body["results"])) == (3, True, 1)
    assert body["next"] is None and "page=2" in body["previous"]


@pytest.mark.parametrize("matching", [40, 75])
def test_with_the_first_items_read_a_page_costs_no_more_queries(
    make_ticket, customer, monkeypatch, django_assert_num_queries, matching
):
    """The desk reads the first cap + 1 ids; within them nothing is counted or read again."""
    monkeypatch.setattr(CappedPaginator, "count_cap", 60)
    for _ in range(matching):
        make_ticket(customer)
    ids = Ticket.objects.order_by("pk").values_list("pk", flat=True)
    head = list(ids[:61])
    paginator = CappedPaginator(ids, 25, head=head)
    with django_assert_num_queries(0):
        pages = [paginator.page(n).object_list for n in (1, 2)]
        assert paginator.count == min(matching, 60)
        assert paginator.capped == (matching > 60)
    assert [list(p) for p in pages] == [head[:25], head[25:50]]
    if matching > 60:  # past the items read: the page is read by its offset
        rest = list(Ticket.objects.order_by("pk").values_list("pk", flat=True))[50:75]
        with django_assert_num_queries(1):
            assert list(paginator.page(3).object_list) == rest
