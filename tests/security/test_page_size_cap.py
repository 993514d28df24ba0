"""A client cannot ask for an unbounded page: page_size is cut to 100, and the links say so."""

from incidents.models import Ticket


def test_page_size_cap(api, supervisor, customer):
    Ticket.objects.bulk_create(
        Ticket(requester=customer, subject=f"t{n}", description="d") for n in range(105)
    )
    body = api(supervisor).get("/api/tickets/?page_size=100000").json()
    assert body["count"] == 105
    assert len(body["results"]) == 100
    assert "page_size=100&" in body["next"] or body["next"].endswith("page_size=100")
    assert "100000" not in body["next"]

    last = api(supervisor).get(body["next"]).json()
    assert len(last["results"]) == 5
    assert "page_size=100" in last["previous"] and "100000" not in last["previous"]
