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
