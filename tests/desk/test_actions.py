"""Workspace actions: each calls the lifecycle, reports a refused transition, redirects back."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from desk.timeline import version

pytestmark = pytest.mark.django_db


def post(client, ticket, action, **data):
    ticket.refresh_from_db()
    data.setdefault("updated_at", version(ticket).isoformat())
    name = "desk:reply" if action == "reply" else "desk:act"
    args = [ticket.pk] if action == "reply" else [ticket.pk, action]
    return client.post(reverse(name, args=args), data)


def said(response):
    """The message the last action left (earlier ones wait unread: redirects are not followed)."""
    return str(list(get_messages(response.wsgi_request))[-1])


def test_take_assigns_to_me(client_for, agent, desk_ticket):
    response = post(client_for(agent), desk_ticket, "take")
    assert response.status_code == 302
    assert response["Location"] == reverse("desk:ticket", args=[desk_ticket.pk])
    desk_ticket.refresh_from_db()
    assert desk_ticket.assignee == agent


def test_acknowledge(client_for, agent, desk_ticket):
    post(client_for(agent), desk_ticket, "acknowledge")
    desk_ticket.refresh_from_db()
    assert desk_ticket.acknowledged_at is not None and desk_ticket.status == "open"


def test_change_status_and_its_error(client_for, agent, desk_ticket):
    client = client_for(agent)
    post(client, desk_ticket, "status", status="pending")
    desk_ticket.refresh_from_db()
    assert desk_ticket.status == "pending"
    response = post(client, desk_ticket, "status", status="closed")
    assert response.status_code == 400
    assert "cannot become closed" in said(response)
    desk_ticket.refresh_from_db()
    assert desk_ticket.status == "pending"


def test_assign_to_a_team_member_only(client_for, agent, lead, tier2_agent, desk_ticket):
    client = client_for(agent)
    post(client, desk_ticket, "assign", assignee=lead.pk)
    desk_ticket.refresh_from_db()
    assert desk_ticket.assignee == lead
    response = post(client, desk_ticket, "assign", assignee=tier2_agent.pk)
    assert response.status_code == 400
    assert said(response) == "tier2-agent is not a member of Service Desk."
    desk_ticket.refresh_from_db()
    assert desk_ticket.assignee == lead


def test_priority_override_needs_a_reason(client_for, agent, desk_ticket):
    client = client_for(agent)
    response = post(client, desk_ticket, "priority", priority="P1", reason=" ")
    assert response.status_code == 400
    assert said(response) == "Give a reason for overriding the priority."
    desk_ticket.refresh_from_db()
    assert desk_ticket.priority == "P3"
    post(client, desk_ticket, "priority", priority="P1", reason="Whole floor is down")
    desk_ticket.refresh_from_db()
    assert desk_ticket.priority == "P1" and desk_ticket.priority_overridden
    event = desk_ticket.events.get(kind="priority_changed")
    assert event.data["reason"] == "Whole floor is down" and event.actor == agent


def test_resolve_and_reopen(client_for, agent, desk_ticket):
    client = client_for(agent)
    response = post(client, desk_ticket, "reopen")
    assert response.status_code == 400
    assert said(response) == "Only a resolved ticket can be reopened."
    post(client, desk_ticket, "resolve")
    desk_ticket.refresh_from_db()
    assert desk_ticket.status == "resolved"
    post(client, desk_ticket, "reopen")
    desk_ticket.refresh_from_db()
    assert desk_ticket.status == "open"


def test_reply_and_internal_note(client_for, agent, desk_ticket):
    client = client_for(agent)
    post(client, desk_ticket, "reply", body="Hello Alice", visibility="public")
    post(client, desk_ticket, "reply", body="Looks like a driver issue", visibility="internal")
    replies = list(desk_ticket.replies.values_list("body", "internal"))
    assert replies == [("Hello Alice", False), ("Looks like a driver issue", True)]
    desk_ticket.refresh_from_db()
    assert desk_ticket.acknowledged_at is not None


def test_reply_on_a_closed_ticket_keeps_the_text(client_for, agent, desk_ticket):
    desk_ticket.resolve(agent)
    desk_ticket.close(agent)
    response = post(client_for(agent), desk_ticket, "reply", body="Too late?")
    assert response.status_code == 400
    assert "A closed ticket cannot take replies." in response.content.decode()
    assert ">Too late?</textarea>" in response.content.decode()


def test_customer_cannot_act(client_for, customer, desk_ticket):
    assert post(client_for(customer), desk_ticket, "resolve").status_code == 403


def test_agent_gets_404_acting_on_a_ticket_they_cannot_see(client_for, tier2_agent, desk_ticket):
    assert post(client_for(tier2_agent), desk_ticket, "take").status_code == 404


def test_unknown_action_is_404(client_for, agent, desk_ticket):
    assert post(client_for(agent), desk_ticket, "delete").status_code == 404


def test_get_is_not_allowed(client_for, agent, desk_ticket):
    url = reverse("desk:act", args=[desk_ticket.pk, "resolve"])
    assert client_for(agent).get(url).status_code == 405


@pytest.fixture
def moved_away(agent, desk_ticket):
    """The desk's ticket, escalated by its tier-1 agent to Application Support."""
    desk_ticket.escalate(agent, "Needs tier 2")
    return desk_ticket


@pytest.mark.parametrize(
    "action, data",
    [
        ("take", {}),
        ("acknowledge", {}),
        ("status", {"status": "pending"}),
        ("assign", {"assignee": ""}),
        ("priority", {"priority": "P1", "reason": "Urgent after all"}),
        ("escalate", {"reason": "Up again"}),
        ("resolve", {}),
    ],
)
def test_the_team_a_ticket_left_cannot_change_it(client_for, agent, moved_away, action, data):
    before = moved_away.events.count()
    response = post(client_for(agent), moved_away, action, **data)
    assert response.status_code == 403
    assert "Application Support" in said(response)
    assert moved_away.events.count() == before


def test_the_team_a_ticket_left_reads_it_and_adds_a_note(client_for, agent, moved_away):
    client = client_for(agent)
    page = client.get(reverse("desk:ticket", args=[moved_away.pk])).content.decode()
    assert "Application Support" in page and 'id="actions-title"' not in page
    response = post(client, moved_away, "reply", body="Hi again", visibility="public")
    assert response.status_code == 403
    assert ">Hi again</textarea>" in response.content.decode()
    response = post(client, moved_away, "reply", body="Context for tier 2", visibility="internal")
    assert response.status_code == 302
    assert list(moved_away.replies.values_list("body", "internal")) == [
        ("Context for tier 2", True)
    ]


def test_the_team_a_ticket_left_cannot_reopen_it(client_for, agent, tier2_agent, moved_away):
    moved_away.resolve(tier2_agent)
    assert post(client_for(agent), moved_away, "reopen").status_code == 403
    assert post(client_for(tier2_agent), moved_away, "reopen").status_code == 302
