"""POST /api/escalation-policies/{id}/preview/: the firings a policy would plan."""

import pytest

from escalation.models import EscalationLevel, EscalationPolicy, SLAPolicy
from tests.conftest import utc


@pytest.fixture
def policy(teams, lead):
    sla = SLAPolicy.objects.create(name="Standard", is_default=True)
    sla.targets.create(priority="P2", first_response_seconds=3600, resolution_seconds=14400)
    policy = EscalationPolicy.objects.create(name="Page", repeat=1, repeat_interval_seconds=600)
    level = EscalationLevel.objects.create(
        policy=policy,
        order=1,
        anchor="response_due",
        offset_seconds=0,
        notify=["team_leads"],
        reassign_to=None,
        set_priority="P1",
    )
    level.notify_users.add(lead)
    return policy


def preview(client, policy, body):
    return client.post(f"/api/escalation-policies/{policy.pk}/preview/", body, format="json")


def test_hypothetical_ticket_preview(api, supervisor, policy, teams, lead):
    response = preview(
        api(supervisor),
        policy,
        {"priority": "P2", "team": teams["desk"].pk, "created_at": "2025-03-03T09:00:00Z"},
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["response_due_at"] == "2025-03-03T10:00:00Z"
    assert body["resolution_due_at"] == "2025-03-03T13:00:00Z"
    first = body["firings"][0]
    assert (first["level"], first["repeat"], first["due_at"]) == (1, 0, "2025-03-03T10:00:00Z")
    assert first["notify"] == [lead.pk] and first["set_priority"] == "P1"
    assert [f["repeat"] for f in body["firings"]] == [0, 1]


def test_existing_ticket_preview(api, supervisor, policy, make_ticket, customer, teams):
    ticket = make_ticket(
        customer, team=teams["desk"], impact="high", urgency="medium", at=utc(2025, 3, 3, 9)
    )
    body = preview(api(supervisor), policy, {"ticket": ticket.pk}).json()
    assert body["response_due_at"] == "2025-03-03T10:00:00Z"


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "priority"),
        ({"ticket": 1, "priority": "P1"}, "ticket"),
        ({"ticket": 999999}, "ticket"),
        ({"priority": "P2", "created_at": "9999-01-01T00:00:00Z"}, "created_at"),
    ],
)
def test_bad_preview_requests_are_field_errors(api, supervisor, policy, body, field):
    response = preview(api(supervisor), policy, body)
    assert response.status_code == 400
    assert field in response.json()


def test_only_supervisors_preview(api, agent, policy):
    assert preview(api(agent), policy, {"priority": "P2"}).status_code == 403
