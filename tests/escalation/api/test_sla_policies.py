"""/api/sla-policies/: a policy with its per-priority targets, written in one request."""

from datetime import datetime, timedelta

from escalation.models import SLAPolicy
from escalation.models.terms import frozen_terms

TARGETS = [
    {"priority": "P1", "first_response_seconds": 900, "resolution_seconds": 14400},
    {"priority": "P2", "first_response_seconds": 3600, "resolution_seconds": 28800},
]


def test_supervisor_creates_a_policy_with_targets(api, supervisor, teams):
    response = api(supervisor).post(
        "/api/sla-policies/",
        {
            "name": "Gold",
            "calendar": None,
            "teams": [teams["desk"].pk],
            "is_default": False,
            "targets": TARGETS,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["targets"] == [
        {**TARGETS[0], "first_response": "15m", "resolution": "4h"},
        {**TARGETS[1], "first_response": "1h", "resolution": "8h"},
    ]
    assert frozen_terms(teams["desk"].pk, "P2")["sla_policy_name"] == "Gold"


def test_patching_targets_replaces_them(api, supervisor):
    client = api(supervisor)
    policy_id = client.post(
        "/api/sla-policies/", {"name": "Gold", "targets": TARGETS}, format="json"
    ).json()["id"]
    response = client.patch(
        f"/api/sla-policies/{policy_id}/", {"targets": TARGETS[:1]}, format="json"
    )
    assert [t["priority"] for t in response.json()["targets"]] == ["P1"]


def test_invalid_targets_are_field_errors(api, supervisor):
    client = api(supervisor)
    for targets, field in (
        ([TARGETS[0], TARGETS[0]], "targets"),
        (
            [{"priority": "P9", "first_response_seconds": 1, "resolution_seconds": 1}],
            "targets[0].priority",
        ),
        (
            [{"priority": "P1", "first_response_seconds": 0, "resolution_seconds": 1}],
            "targets[0].first_response_seconds",
        ),
        (
            [{"priority": "P1", "first_response_seconds": 7200, "resolution_seconds": 3600}],
            "targets[0].resolution_seconds",
        ),
    ):
        response = client.post(
            "/api/sla-policies/", {"name": "Bad", "targets": targets}, format="json"
        )
        assert response.status_code == 400 and field in response.json()
    assert not SLAPolicy.objects.exists()


def test_a_resolution_shorter_than_the_first_response_says_both(api, supervisor):
    targets = [{"priority": "P2", "first_response": "2h", "resolution": "1h"}]
    response = api(supervisor).post(
        "/api/sla-policies/", {"name": "Backwards", "targets": targets}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["targets[0].resolution_seconds"] == [
        "The resolution target (1h) is shorter than the first-response target (2h): make it "
        "at least as long."
    ]


def test_only_one_default_policy(api, supervisor):
    client = api(supervisor)
    client.post("/api/sla-policies/", {"name": "A", "is_default": True}, format="json")
    response = client.post("/api/sla-policies/", {"name": "B", "is_default": True}, format="json")
    assert response.status_code == 400 and "is_default" in response.json()


def test_unknown_team_is_a_field_error(api, supervisor):
    response = api(supervisor).post(
        "/api/sla-policies/", {"name": "A", "teams": [9999]}, format="json"
    )
    assert response.status_code == 400 and "teams" in response.json()


def test_agents_get_403(api, agent):
    assert api(agent).get("/api/sla-policies/").status_code == 403


def test_a_new_target_applies_to_the_next_ticket_opened(api, supervisor, customer, teams):
    """Policies are kept per process between tickets; a supervisor's change reaches the next."""
    teams["desk"].is_intake = True
    teams["desk"].save(update_fields=["is_intake"])
    admin, requester = api(supervisor), api(customer)
    policy = admin.post(
        "/api/sla-policies/",
        {
            "name": "Gold",
            "is_default": True,
            "targets": TARGETS + [{**TARGETS[1], "priority": "P3"}],
        },
        format="json",
    ).json()
    body = {"subject": "VPN", "description": "Drops"}

    def response_minutes():
        ticket = requester.post("/api/tickets/", body, format="json").json()
        opened = datetime.fromisoformat(ticket["created_at"])
        return (datetime.fromisoformat(ticket["response_due_at"]) - opened) / timedelta(minutes=1)

    assert response_minutes() == 60
    faster = [
        {"priority": t["priority"], "first_response_seconds": 600, "resolution": t["resolution"]}
        for t in policy["targets"]
    ]
    changed = admin.patch(f"/api/sla-policies/{policy['id']}/", {"targets": faster}, format="json")
    assert changed.status_code == 200, changed.json()
    assert response_minutes() == 10
