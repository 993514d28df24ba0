"""POST /api/tickets/{id}/acknowledge|escalate|resolve|reopen/."""

from incidents.models import TicketEvent


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
    assert "higher tier" in response.json()["detail"]


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
