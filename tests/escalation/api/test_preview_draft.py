"""POST /api/escalation-policies/preview/: preview a policy before saving it."""

import pytest

from escalation.models import EscalationPolicy, SLAPolicy

URL = "/api/escalation-policies/preview/"
DRAFT = {
    "name": "Standard escalation",  # may repeat a saved policy's name: nothing is saved
    "repeat": 1,
    "repeat_interval_seconds": 900,
    "levels": [
        {"order": 1, "anchor": "response_due", "offset_seconds": -600, "notify": ["team_leads"]},
        {
            "order": 2,
            "anchor": "response_due",
            "offset_seconds": 0,
            "notify": ["supervisors"],
            "set_priority": "P1",
        },
    ],
}


@pytest.fixture
def sla(teams):
    policy = SLAPolicy.objects.create(name="Standard", is_default=True)
    policy.targets.create(priority="P2", first_response_seconds=3600, resolution_seconds=14400)
    return policy


def test_a_draft_previews_without_being_saved(api, supervisor, sla, teams, lead):
    EscalationPolicy.objects.create(name="Standard escalation")
    body = {
        "policy": DRAFT,
        "priority": "P2",
        "team": teams["desk"].pk,
        "created_at": "2025-03-03T09:00:00Z",
    }
    response = api(supervisor).post(URL, body, format="json")
    assert response.status_code == 200, response.json()
    firings = response.json()["firings"]
    assert [(f["level"], f["repeat"], f["due_at"]) for f in firings] == [
        (1, 0, "2025-03-03T09:50:00Z"),
        (2, 0, "2025-03-03T10:00:00Z"),
        (2, 1, "2025-03-03T10:15:00Z"),
    ]
    assert firings[0]["notify"] == [lead.pk] and firings[0]["warning"] is True
    assert firings[1]["notify"] == [supervisor.pk] and firings[1]["set_priority"] == "P1"
    assert EscalationPolicy.objects.count() == 1


def test_a_draft_is_validated_like_a_policy(api, supervisor, sla):
    bad = {
        **DRAFT,
        "repeat": 12,
        "levels": [{"order": 1, "anchor": "created", "offset_seconds": -60}],
    }
    response = api(supervisor).post(URL, {"policy": bad, "priority": "P2"}, format="json")
    assert response.status_code == 400
    errors = response.json()
    assert "policy.repeat" in errors, errors
    assert errors["policy.levels[0].offset_seconds"] == [
        "A level cannot fire before the ticket exists."
    ]


def test_only_supervisors_preview_drafts(api, agent, sla):
    response = api(agent).post(URL, {"policy": DRAFT, "priority": "P2"}, format="json")
    assert response.status_code == 403
