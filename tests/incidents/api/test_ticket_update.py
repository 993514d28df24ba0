"""PATCH /api/tickets/{id}/: the same rules as the desk (SPEC "Moves keep the ladder honest"),
each refusal a 400 naming its field."""

from incidents.models import TicketEvent


def patch(client, ticket, **data):
    return client.patch(f"/api/tickets/{ticket.pk}/", data, format="json")


def test_an_assignee_outside_the_tickets_team_is_refused(api, agent, tier2_agent, desk_ticket):
    response = patch(api(agent), desk_ticket, assignee=tier2_agent.pk)
    assert response.status_code == 400
    assert response.json()["assignee"] == ["tier2-agent is not a member of Service Desk."]
    desk_ticket.refresh_from_db()
    assert desk_ticket.assignee is None


def test_an_agent_cannot_move_a_ticket_down(api, tier2_agent, make_ticket, customer, teams):
    ticket = make_ticket(customer, team=teams["apps"])
    response = patch(api(tier2_agent), ticket, team=teams["desk"].pk, reason="Not ours")
    assert response.status_code == 400
    assert "never down" in response.json()["team"][0]
    ticket.refresh_from_db()
    assert ticket.team == teams["apps"]


def test_an_agents_move_is_an_escalation_with_a_reason(api, agent, desk_ticket, teams):
    client = api(agent)
    response = patch(client, desk_ticket, team=teams["apps"].pk)
    assert response.status_code == 400
    assert response.json()["reason"] == ["Give a reason for the escalation."]
    response = patch(client, desk_ticket, team=teams["apps"].pk, reason="Needs tier 2")
    assert response.status_code == 200
    assert (response.json()["team"], response.json()["escalation_level"]) == (teams["apps"].pk, 1)
    event = TicketEvent.objects.get(ticket=desk_ticket, kind="escalated")
    assert event.data["reason"] == "Needs tier 2"


def test_an_override_needs_a_reason(api, agent, desk_ticket):
    client = api(agent)
    response = patch(client, desk_ticket, priority="P1")
    assert response.status_code == 400
    assert response.json()["reason"] == ["Give a reason for overriding the priority."]
    response = patch(client, desk_ticket, priority="P1", reason="The CEO's laptop")
    assert response.status_code == 200
    event = TicketEvent.objects.get(ticket=desk_ticket, kind="priority_changed")
    assert event.data == {"override": True, "reason": "The CEO's laptop"}


def test_a_supervisor_moves_a_ticket_to_any_team_with_or_without_a_reason(
    api, supervisor, make_ticket, customer, teams
):
    ticket = make_ticket(customer, team=teams["eng"])
    client = api(supervisor)
    assert patch(client, ticket, team=teams["desk"].pk).status_code == 200
    response = patch(client, ticket, team=teams["apps"].pk, reason="Billing is tier 2's")
    assert response.status_code == 200
    assert (response.json()["team"], response.json()["escalation_level"]) == (teams["apps"].pk, 0)
    moves = TicketEvent.objects.filter(ticket=ticket, kind="team_changed").order_by("id")
    assert [(m.actor, m.after["team"], m.data.get("reason")) for m in moves] == [
        (supervisor, teams["desk"].pk, None),
        (supervisor, teams["apps"].pk, "Billing is tier 2's"),
    ]


def test_the_team_a_ticket_left_cannot_patch_it(api, agent, desk_ticket, teams):
    desk_ticket.escalate(agent, "Needs tier 2")
    response = patch(api(agent), desk_ticket, status="pending")
    assert response.status_code == 403
    assert "Application Support" in response.json()["detail"]
    assert api(agent).get(f"/api/tickets/{desk_ticket.pk}/").status_code == 200
    desk_ticket.refresh_from_db()
    assert desk_ticket.status == "new"
