"""GET /api/tickets/{id}/timeline/, and a ticket opened through the API running its SLA."""

from datetime import timedelta

from escalation.models import EscalationLevel, EscalationPolicy, Firing, SLAPolicy
from notifications.models import Notification


def timeline(client, ticket_id):
    response = client.get(f"/api/tickets/{ticket_id}/timeline/")
    assert response.status_code == 200
    return response.json()


def test_timeline_is_oldest_first_with_actor_and_data(api, agent, desk_ticket):
    desk_ticket.acknowledge(agent)
    entries = [e for e in timeline(api(agent), desk_ticket.pk) if e["kind"] != "notified"]
    assert [e["kind"] for e in entries] == ["created", "acknowledged", "status_changed"]
    assert entries[1]["actor"] == agent.pk
    assert entries[2]["data"]["after"] == {"status": "open"}
    assert [e["at"] for e in entries] == sorted(e["at"] for e in entries)


def test_customer_timeline_hides_internal_events(api, customer, agent, desk_ticket):
    desk_ticket.add_reply(agent, "secret", internal=True)
    desk_ticket.assign(agent, agent)
    desk_ticket.add_reply(agent, "Hello")
    kinds = [e["kind"] for e in timeline(api(customer), desk_ticket.pk)]
    assert kinds == ["created", "replied", "acknowledged", "status_changed"]
    agent_kinds = [
        e["kind"] for e in timeline(api(agent), desk_ticket.pk) if e["kind"] != "notified"
    ]
    assert agent_kinds == [
        "created",
        "note_added",
        "assigned",
        "replied",
        "acknowledged",
        "status_changed",
    ]


def test_notifications_appear_for_agents_only(api, agent, customer, desk_ticket):
    Notification.objects.create(
        idempotency_key="k1",
        kind="escalated",
        recipient=agent,
        address=agent.email,
        ticket=desk_ticket,
    )
    notified = [e for e in timeline(api(agent), desk_ticket.pk) if e["kind"] == "notified"]
    assert (agent.pk, "escalated") in [
        (e["data"]["recipient"], e["data"]["kind"]) for e in notified
    ]
    assert all(e["kind"] != "notified" for e in timeline(api(customer), desk_ticket.pk))


def test_timeline_of_an_unseen_ticket_is_404(api, other_customer, tier2_agent, desk_ticket):
    assert api(other_customer).get(f"/api/tickets/{desk_ticket.pk}/timeline/").status_code == 404
    assert api(tier2_agent).get(f"/api/tickets/{desk_ticket.pk}/timeline/").status_code == 404


def sla_and_escalation(teams, lead):
    sla = SLAPolicy.objects.create(name="Standard", is_default=True)
    sla.targets.create(priority="P2", first_response_seconds=900, resolution_seconds=14400)
    policy = EscalationPolicy.objects.create(name="Page the lead")
    level = EscalationLevel.objects.create(
        policy=policy, order=1, anchor="response_due", offset_seconds=0, notify=["team_leads"]
    )
    level.notify_users.add(lead)
    return sla, policy


def test_ticket_opened_through_the_api_gets_due_times_and_escalates(
    api, customer, agent, lead, teams
):
    from escalation import engine

    sla_and_escalation(teams, lead)
    response = api(customer).post(
        "/api/tickets/",
        {
            "subject": "Mail down",
            "description": "Nobody can send",
            "impact": "high",
            "urgency": "medium",
        },
        format="json",
    )
    body = response.json()
    assert body["priority"] == "P2"
    assert body["response_due_at"] is not None and body["resolution_due_at"] is not None
    firing = Firing.objects.get(ticket_id=body["id"], kind="level")
    assert firing.due_at.isoformat().replace("+00:00", "Z") == body["response_due_at"]

    # Nobody acknowledges in time: inject the clock at the deadline and let the engine fire.
    assert engine.fire_many([firing.pk], now=firing.due_at + timedelta(seconds=1)) == 1
    entries = timeline(api(agent), body["id"])
    escalated = [e for e in entries if e["kind"] == "escalated"]
    assert len(escalated) == 1
    assert escalated[0]["data"]["level"] == 1 and escalated[0]["data"]["repeat"] == 0
    assert escalated[0]["data"]["late"] is False
    assert escalated[0]["data"]["due_at"].startswith(body["response_due_at"][:19])
    assert all(e["kind"] != "escalated" for e in timeline(api(customer), body["id"]))
