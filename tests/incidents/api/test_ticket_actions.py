"""POST /api/tickets/{id}/acknowledge|escalate|resolve|reopen/."""

import pytest

from incidents.models import Team, TicketEvent


def post(client, ticket, action, data=None):
    return client.post(f"/api/tickets/{ticket.pk}/{action}/", data or {}, format="json")


def test_acknowledge_stamps_the_ticket_and_opens_it(api, agent, desk_ticket):
    response = post(api(agent), desk_ticket, "acknowledge")
    assert response.status_code == 200
    assert response.json()["acknowledged_at"] is not None
    assert response.json()["status"] == "open"


def test_customers_cannot_acknowledge_resolve_or_escalate(api, customer, desk_ticket):
    client = api(customer)
    for action in ("acknowledge", "resolve", "escalate"):
        assert post(client, desk_ticket, action, {"reason": "x"}).status_code == 403
    desk_ticket.refresh_from_db()
    assert desk_ticket.status == "new" and desk_ticket.escalation_level == 0


def test_escalate_needs_a_reason(api, agent, desk_ticket):
    response = post(api(agent), desk_ticket, "escalate", {"reason": ""})
    assert response.status_code == 400
    assert "reason" in response.json()


def test_escalate_goes_to_the_next_tier_by_default(api, agent, desk_ticket, teams):
    response = post(api(agent), desk_ticket, "escalate", {"reason": "Needs a DBA"})
    assert response.status_code == 200
    body = response.json()
    assert body["team"] == teams["apps"].pk
    assert body["escalation_level"] == 1
    event = TicketEvent.objects.get(ticket=desk_ticket, kind="escalated")
    assert event.data["reason"] == "Needs a DBA" and event.actor == agent


def test_escalate_to_a_chosen_higher_tier(api, agent, desk_ticket, teams):
    response = post(
        api(agent), desk_ticket, "escalate", {"reason": "Kernel bug", "team": teams["eng"].pk}
    )
    assert response.json()["team"] == teams["eng"].pk


def test_escalate_to_a_lower_tier_is_refused(api, supervisor, make_ticket, customer, teams):
    ticket = make_ticket(customer, team=teams["apps"])
    response = post(api(supervisor), ticket, "escalate", {"reason": "x", "team": teams["desk"].pk})
    assert response.status_code == 400
    assert "never down" in response.json()["team"][0]


def test_resolve_then_requester_reopens(api, agent, customer, desk_ticket):
    assert post(api(agent), desk_ticket, "resolve").json()["status"] == "resolved"
    response = post(api(customer), desk_ticket, "reopen")
    assert response.status_code == 200
    assert response.json()["status"] == "open"
    assert response.json()["resolved_at"] is None


def test_reopening_an_unresolved_ticket_is_a_400(api, customer, desk_ticket):
    response = post(api(customer), desk_ticket, "reopen")
    assert response.status_code == 400
    assert response.json()["detail"] == "Only a resolved ticket can be reopened."


def test_actions_on_an_unseen_ticket_are_404(api, tier2_agent, other_customer, desk_ticket):
    assert post(api(tier2_agent), desk_ticket, "acknowledge").status_code == 404
    assert post(api(other_customer), desk_ticket, "reopen").status_code == 404


def test_escalate_across_to_a_team_of_the_same_tier(api, tier2_agent, make_ticket, customer):
    ticket = make_ticket(customer, team=Team.objects.get(slug="app-support"))
    network = Team.objects.create(name="Network", slug="network", tier=2)
    response = post(api(tier2_agent), ticket, "escalate", {"reason": "Routing", "team": network.pk})
    assert response.status_code == 200
    assert (response.json()["team"], response.json()["escalation_level"]) == (network.pk, 1)


def test_escalate_to_a_named_member(api, agent, tier2_agent, lead, desk_ticket, teams):
    client = api(agent)
    response = post(
        client,
        desk_ticket,
        "escalate",
        {"reason": "Tom knows", "assignee": lead.pk, "team": teams["apps"].pk},
    )
    assert response.status_code == 400
    assert response.json()["assignee"] == ["tier1-lead is not a member of Application Support."]
    response = post(client, desk_ticket, "escalate", {"reason": "The lead", "assignee": lead.pk})
    assert (response.json()["team"], response.json()["assignee"]) == (teams["desk"].pk, lead.pk)
    data = {"reason": "Tom knows", "team": teams["apps"].pk, "assignee": tier2_agent.pk}
    response = post(client, desk_ticket, "escalate", data)
    assert (response.json()["team"], response.json()["assignee"]) == (
        teams["apps"].pk,
        tier2_agent.pk,
    )
    event = TicketEvent.objects.filter(ticket=desk_ticket, kind="escalated").last()
    assert event.data["assignee"] == tier2_agent.pk


@pytest.mark.parametrize("action", ["acknowledge", "escalate", "resolve"])
def test_the_team_a_ticket_left_cannot_act_on_it(api, agent, desk_ticket, action):
    desk_ticket.escalate(agent, "Needs tier 2")
    response = post(api(agent), desk_ticket, action, {"reason": "Up again"})
    assert response.status_code == 403
    desk_ticket.refresh_from_db()
    assert (desk_ticket.acknowledged_at, desk_ticket.status) == (None, "new")
    assert desk_ticket.escalation_level == 1


def test_the_team_a_ticket_left_cannot_reopen_it(api, agent, tier2_agent, desk_ticket):
    desk_ticket.escalate(agent, "Needs tier 2")
    desk_ticket.resolve(tier2_agent)
    assert post(api(agent), desk_ticket, "reopen").status_code == 403
