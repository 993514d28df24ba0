"""GET /portal/tickets/<id>/: the public thread, the status in customer words, what's next."""

from django.urls import reverse

from tests.escalation.sla_setup import HOUR, sla_policy

from .words import visible_text

SECRET = "INTERNAL-NOTE-9c1e"


def url(ticket):
    return reverse("portal:ticket", args=[ticket.pk])


def test_anonymous_is_sent_to_sign_in(client, desk_ticket):
    assert client.get(url(desk_ticket))["Location"].startswith(reverse("login"))


def test_another_customers_ticket_is_a_404(signed_in, other_customer, desk_ticket):
    response = signed_in(other_customer).get(url(desk_ticket))
    assert response.status_code == 404
    assert "We can't find that page" in response.content.decode()


def test_shows_public_replies_and_never_internal_notes(signed_in, customer, agent, desk_ticket):
    desk_ticket.add_reply(agent, "Have you tried turning it off and on?")
    desk_ticket.add_reply(agent, SECRET, internal=True)

    page = signed_in(customer).get(url(desk_ticket)).content.decode()

    assert "Have you tried turning it off and on?" in page
    assert desk_ticket.description.replace(",", "") in page.replace(",", "")
    assert SECRET not in page


def test_status_in_customer_words_with_what_happens_next(signed_in, customer, agent, desk_ticket):
    client = signed_in(customer)
    page = client.get(url(desk_ticket)).content.decode()
    assert "We&#x27;re working on it" in page and "You&#x27;ll hear from us" in page
    assert "P3" not in visible_text(page) and "Service Desk" not in visible_text(page)

    desk_ticket.change_status(agent, "pending")
    page = client.get(url(desk_ticket)).content.decode()
    assert "Waiting for your reply" in page and "please reply below" in page

    desk_ticket.change_status(agent, "on_hold")
    assert "Waiting on a third party" in client.get(url(desk_ticket)).content.decode()


def test_query_count_does_not_grow_with_replies(
    signed_in, customer, agent, desk_ticket, upload, django_assert_max_num_queries
):
    client = signed_in(customer)
    client.get(url(desk_ticket))
    for n in range(10):
        reply = desk_ticket.add_reply(agent, f"reply {n}")
        desk_ticket.attach(agent, upload(f"f{n}.txt"), "text/plain", reply=reply)
    with django_assert_max_num_queries(12):
        client.get(url(desk_ticket))


def test_the_next_steps_time_has_its_exact_instant_in_a_tooltip(
    signed_in, customer, make_ticket, teams
):
    sla_policy(None, response=4 * HOUR, resolution=16 * HOUR)
    ticket = make_ticket(customer, team=teams["desk"])
    page = signed_in(customer).get(url(ticket)).content.decode()
    due = ticket.response_due_at
    assert due is not None
    assert f'<time datetime="{due.isoformat()}" title="' in page
    assert "You&#x27;ll hear from us by" in page
