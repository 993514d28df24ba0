"""/api/escalation-policies/: a policy with its ordered levels, written in one request."""

import pytest

from escalation.models import EscalationPolicy


def policy_body(teams, lead, changes=None):
    body = {
        "name": "Tier-1 P1",
        "teams": [teams["desk"].pk],
        "priorities": ["P1", "P2"],
        "repeat": 2,
        "repeat_interval_seconds": 600,
        "levels": [
            {
                "order": 1,
                "anchor": "response_due",
                "offset_seconds": -900,
                "notify": ["assignee", "team_leads"],
                "notify_users": [lead.pk],
                "reassign_to": None,
                "set_priority": None,
            },
            {
                "order": 2,
                "anchor": "response_due",
                "offset_seconds": 0,
                "notify": ["team", "supervisors"],
                "notify_users": [],
                "reassign_to": teams["apps"].pk,
                "set_priority": "P1",
            },
        ],
    }
    return {**body, **(changes or {})}


def test_supervisor_creates_a_policy_with_levels(api, supervisor, lead, teams):
    response = api(supervisor).post(
        "/api/escalation-policies/", policy_body(teams, lead), format="json"
    )
    assert response.status_code == 201, response.json()
    levels = response.json()["levels"]
    assert [(lv["order"], lv["notify_users"], lv["reassign_to"]) for lv in levels] == [
        (1, [lead.pk], None),
        (2, [], teams["apps"].pk),
    ]
    policy = EscalationPolicy.objects.get()
    assert policy.snapshot()["levels"][0]["notify_users"] == [lead.pk]


def test_put_replaces_levels(api, supervisor, lead, teams):
    client = api(supervisor)
    body = policy_body(teams, lead)
    policy_id = client.post("/api/escalation-policies/", body, format="json").json()["id"]
    body["levels"] = body["levels"][1:]
    response = client.put(f"/api/escalation-policies/{policy_id}/", body, format="json")
    assert [lv["order"] for lv in response.json()["levels"]] == [2]


@pytest.mark.parametrize(
    "change, field",
    [
        ({"repeat": 10}, "repeat"),
        ({"priorities": ["P7"]}, "priorities[0]"),
        ({"teams": [9999]}, "teams"),
        (
            {"levels": [{"order": 1, "anchor": "created", "offset_seconds": -60}]},
            "levels[0].offset_seconds",
        ),
        (
            {"levels": [{"order": 1, "anchor": "response_due", "offset_seconds": 91 * 86400}]},
            "levels[0].offset_seconds",
        ),
        (
            {"levels": [{"order": 1, "anchor": "response_due", "notify": ["everyone"]}]},
            "levels[0].notify[0]",
        ),
        (
            {"levels": [{"order": 1, "anchor": "response_due", "reassign_to": 9999}]},
            "levels[0].reassign_to",
        ),
        (
            {"levels": [{"order": 1, "anchor": "response_due"}, {"order": 1, "anchor": "created"}]},
            "levels",
        ),
    ],
)
def test_invalid_policies_are_refused_whole(api, supervisor, lead, teams, change, field):
    response = api(supervisor).post(
        "/api/escalation-policies/", policy_body(teams, lead, change), format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not EscalationPolicy.objects.exists()


def test_agents_and_customers_get_403(api, agent, customer):
    for user in (agent, customer):
        assert api(user).get("/api/escalation-policies/").status_code == 403


def test_durations_in_words_are_accepted_and_returned(api, supervisor, lead, teams):
    body = policy_body(teams, lead, {"repeat_interval": "1h 30m"})
    del body["repeat_interval_seconds"]
    for level, words in zip(body["levels"], ["-15m", "2d"], strict=True):
        del level["offset_seconds"]
        level["offset"] = words
    response = api(supervisor).post("/api/escalation-policies/", body, format="json")

    assert response.status_code == 201, response.json()
    data = response.json()
    assert (data["repeat_interval_seconds"], data["repeat_interval"]) == (5400, "1h 30m")
    assert [(lv["offset_seconds"], lv["offset"]) for lv in data["levels"]] == [
        (-900, "-15m"),
        (172800, "2d"),
    ]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"offset": "soon"}, "levels[0].offset", "“soon” is not a duration."),
        ({"offset": "91d"}, "levels[0].offset", "Give -90d to 90d."),
        (
            {"offset": "10m"},
            "levels[0].offset",
            "Says 10m, but offset_seconds says -15m: the same value in two forms that disagree",
        ),
        # Seconds as text are read as the seconds field reads them: agreeing, or not.
        ({"offset": "-10m", "offset_seconds": "-600"}, None, None),
        ({"offset": "10m", "offset_seconds": "-900"}, "levels[0].offset", "Send one of the two"),
    ],
)
def test_durations_in_words_that_are_wrong_are_field_errors(
    api, supervisor, lead, teams, change, field, message
):
    body = policy_body(teams, lead)
    body["levels"][0].update(change)
    if "offset_seconds" not in change and change["offset"] != "10m":
        del body["levels"][0]["offset_seconds"]
    response = api(supervisor).post("/api/escalation-policies/", body, format="json")

    if field is None:  # agreeing: accepted
        assert response.status_code == 201, response.json()
        assert response.json()["levels"][0]["offset_seconds"] == -600
        return
    assert response.status_code == 400
    assert message in response.json()[field][0]
    assert not EscalationPolicy.objects.exists()
