"""Issue 10 item 2: the customer's timeline shows every public event kind and hides the rest,
kind by kind (SPEC: customers see their ticket's progress, never internal work)."""

import pytest

from incidents.models import TicketEvent

pytestmark = pytest.mark.django_db

SHOWN = {"created", "replied", "acknowledged", "status_changed", "rated"}


def kinds_seen(api, user, ticket):
    response = api(user).get(f"/api/tickets/{ticket.pk}/timeline/")
    assert response.status_code == 200
    return [entry["kind"] for entry in response.json()]


@pytest.mark.parametrize("kind", [k for k in TicketEvent.Kind.values if k != "created"])
def test_customer_timeline_shows_or_hides_each_kind(api, customer, agent, desk_ticket, kind):
    desk_ticket.record(kind, actor=agent, before={"x": 1}, after={"x": 2})

    seen = kinds_seen(api, customer, desk_ticket)

    assert seen[0] == "created"
    assert (kind in seen) == (kind in SHOWN), seen


def test_customer_timeline_hides_a_reply_event_marked_internal(api, customer, agent, desk_ticket):
    desk_ticket.record("replied", actor=agent, internal=True)
    desk_ticket.record("replied", actor=agent, internal=False)

    assert kinds_seen(api, customer, desk_ticket) == ["created", "replied"]


def test_customer_timeline_of_a_worked_ticket(api, customer, agent, desk_ticket):
    desk_ticket.add_reply(agent, "note", internal=True)
    desk_ticket.acknowledge(agent)
    desk_ticket.change_status(agent, "pending")
    desk_ticket.add_reply(customer, "here you go")
    desk_ticket.resolve(agent)

    assert kinds_seen(api, customer, desk_ticket) == [
        "created",
        "acknowledged",
        "status_changed",
        "status_changed",
        "replied",
        "status_changed",
        "status_changed",
    ]
