"""Bulk actions on the queue: one change for many tickets through Ticket.update, one message."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from incidents.models import Ticket

pytestmark = pytest.mark.django_db


def post(client, **data):
    return client.post(reverse("desk:bulk"), data)


def texts(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_assign_selected_tickets(client_for, agent, lead, customer, teams, make_ticket):
    one, two = make_ticket(customer, team=teams["desk"]), make_ticket(customer, team=teams["desk"])
    response = post(
        client_for(agent),
        ticket=[one.pk, two.pk],
        action="assign",
        assignee=lead.pk,
        next=reverse("desk:home") + "?view=unassigned",
    )
    assert response.status_code == 302 and response["Location"].endswith("?view=unassigned")
    assert set(Ticket.objects.values_list("assignee", flat=True)) == {lead.pk}
    assert one.events.filter(kind="assigned", actor=agent).exists()
    assert texts(response) == [f"Changed 2 tickets: {one.reference}, {two.reference}."]


def test_one_message_counts_changes_and_refusals(client_for, agent, customer, teams, make_ticket):
    fine = make_ticket(customer, team=teams["desk"])
    closed = make_ticket(customer, team=teams["desk"])
    closed.resolve(agent)
    closed.close(agent)
    response = post(
        client_for(agent), ticket=[fine.pk, closed.pk], action="status", status="pending"
    )
    fine.refresh_from_db()
    closed.refresh_from_db()
    assert (fine.status, closed.status) == ("pending", "closed")
    [message] = texts(response)
    assert message.startswith(f"Changed 1 ticket: {fine.reference}. Refused 1: {closed.reference}:")


def test_assigning_outside_the_tickets_team_is_refused(client_for, agent, tier2_agent, desk_ticket):
    response = post(
        client_for(agent), ticket=[desk_ticket.pk], action="assign", assignee=tier2_agent.pk
    )
    desk_ticket.refresh_from_db()
    assert desk_ticket.assignee is None
    assert texts(response) == [
        f"Refused 1: {desk_ticket.reference}: tier2-agent is not a member of Service Desk."
    ]


def test_tickets_the_agent_cannot_see_are_not_touched(
    client_for, agent, customer, teams, make_ticket
):
    hidden = make_ticket(customer, team=teams["apps"])
    response = post(client_for(agent), ticket=[hidden.pk], action="status", status="on_hold")
    hidden.refresh_from_db()
    assert hidden.status == "new"
    assert texts(response) == ["Refused 1: 1 ticket not found."]


def test_nothing_selected(client_for, agent):
    response = post(client_for(agent), action="status", status="open")
    assert texts(response) == ["Select at least one ticket first."]


def test_customers_are_refused(client_for, customer, desk_ticket):
    response = post(client_for(customer), ticket=[desk_ticket.pk], action="status", status="open")
    assert response.status_code == 403


def test_an_offsite_next_is_ignored(client_for, agent, desk_ticket):
    response = post(
        client_for(agent),
        ticket=[desk_ticket.pk],
        action="status",
        status="open",
        next="https://evil.example/desk/",
    )
    assert response["Location"] == reverse("desk:home")


def test_tickets_escalated_away_are_refused(client_for, agent, customer, teams, make_ticket):
    moved, kept = (
        make_ticket(customer, team=teams["desk"]),
        make_ticket(customer, team=teams["desk"]),
    )
    moved.escalate(agent, "Needs tier 2")
    response = post(
        client_for(agent), ticket=[moved.pk, kept.pk], action="status", status="on_hold"
    )
    moved.refresh_from_db()
    kept.refresh_from_db()
    assert (moved.status, kept.status) == ("new", "on_hold")
    [message] = texts(response)
    assert message.startswith(f"Changed 1 ticket: {kept.reference}. Refused 1: {moved.reference}: ")
    assert "Application Support" in message
