"""GET /portal/: the customer's own tickets, filtered, searched and paginated."""

import pytest
from django.urls import reverse

from .words import visible_text

URL = reverse("portal:home")


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_lists_only_my_tickets_in_customer_words(signed_in, make_ticket, customer, other_customer):
    mine = make_ticket(customer, subject="VPN drops")
    make_ticket(other_customer, subject="Bob's secret")

    page = signed_in(customer).get(URL).content.decode()

    assert mine.reference in page and "VPN drops" in page
    assert "Bob&#x27;s secret" not in page and "Bob's secret" not in page
    assert "We&#x27;re working on it" in page
    assert "P3" not in visible_text(page) and "Service Desk" not in visible_text(page)


def test_filters_open_and_closed(signed_in, make_ticket, customer, agent):
    make_ticket(customer, subject="Still broken")
    done = make_ticket(customer, subject="All fixed")
    done.resolve(agent)
    client = signed_in(customer)

    open_page = client.get(URL, {"show": "open"}).content.decode()
    closed_page = client.get(URL, {"show": "closed"}).content.decode()

    assert "Still broken" in open_page and "All fixed" not in open_page
    assert "All fixed" in closed_page and "Still broken" not in closed_page
    assert "Solved: reply if it isn" in closed_page


def test_search_by_reference_or_subject(signed_in, make_ticket, customer):
    printer = make_ticket(customer, subject="Printer jam")
    make_ticket(customer, subject="Email bounce")
    client = signed_in(customer)

    by_subject = client.get(URL, {"q": "printer"}).content.decode()
    by_reference = client.get(URL, {"q": printer.reference.lower()}).content.decode()
    by_number = client.get(URL, {"q": str(printer.pk)}).content.decode()

    for page in (by_subject, by_reference, by_number):
        assert "Printer jam" in page and "Email bounce" not in page


def test_pages_of_25(signed_in, make_ticket, customer):
    for n in range(30):
        make_ticket(customer, subject=f"Ticket number {n:02d}")
    client = signed_in(customer)

    first = client.get(URL)
    second = client.get(URL, {"page": 2})

    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 5
    assert "Page 1 of 2" in first.content.decode()


@pytest.mark.parametrize("rows", [5, 50])
def test_query_count_does_not_grow_with_rows(
    rows, signed_in, make_ticket, customer, django_assert_num_queries
):
    client = signed_in(customer)
    client.get(URL)  # warm the session and the user's groups
    for _ in range(rows):
        make_ticket(customer)
    # session, user, the user's groups (for the page frame's links), count, page: the same
    # five whether 5 or 50 tickets.
    with django_assert_num_queries(5):
        client.get(URL)


@pytest.mark.parametrize("query", [{"q": "VPN\x00"}, {"show": "\x00"}, {"q": "x" * 300}])
def test_a_search_that_cannot_be_read_is_a_400_listing_every_ticket(
    signed_in, make_ticket, customer, query
):
    mine = make_ticket(customer, subject="VPN drops")
    response = signed_in(customer).get(URL, query)
    assert response.status_code == 400
    page = response.content.decode()
    assert mine.reference in page and "could not be read" in page
