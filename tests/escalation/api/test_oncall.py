"""/api/rotations/, /api/on-call-overrides/ and GET /api/teams/{id}/on-call/?at=."""

from datetime import datetime

import pytest

from escalation.models import OnCallOverride, Rotation
from incidents.models import Membership


@pytest.fixture
def crew(make_user, teams):
    """Three Service Desk agents, in rotation order."""
    people = [make_user(f"oncall{i}", role="agent") for i in range(3)]
    for person in people:
        Membership.objects.create(user=person, team=teams["desk"], role="agent")
    return people


def weekly(team, crew, **extra):
    return {
        "team": team.pk,
        "name": "Desk primary",
        "layer": 1,
        "timezone": "Europe/Berlin",
        "cadence": "weekly",
        "handoff_time": "09:00",
        "handoff_weekday": 0,
        "start_date": "2026-03-16",
        "members": [u.pk for u in crew],
        **extra,
    }


def cover(client, team, user, start, end, layer=1):
    override = {"team": team.pk, "layer": layer, "user": user.pk, "start": start, "end": end}
    return client.post("/api/on-call-overrides/", override, format="json")


def instant(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def on_call(client, team, at):
    response = client.get(f"/api/teams/{team.pk}/on-call/", {"at": at})
    assert response.status_code == 200, response.json()
    return response.json()


def test_supervisor_creates_a_rotation_and_agents_ask_who_is_on_call(
    api, supervisor, agent, teams, crew
):
    response = api(supervisor).post("/api/rotations/", weekly(teams["desk"], crew), format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["members"] == [u.pk for u in crew]
    assert response.json()["handoff_time"] == "09:00"
    client = api(agent)
    # Mon 30 Mar 2026 09:00 CEST is 07:00 UTC: the third shift starts on the wall clock.
    before = on_call(client, teams["desk"], "2026-03-30T06:59:59Z")
    assert (before["primary"], before["secondary"]) == (crew[1].pk, None)
    assert instant(before["primary_until"]) == instant("2026-03-30T09:00:00+02:00")
    assert on_call(client, teams["desk"], "2026-03-30T07:00:00Z")["primary"] == crew[2].pk
    assert on_call(client, teams["desk"], "2026-03-30T09:00:00+02:00")["primary"] == crew[2].pk


def test_an_override_inside_a_shift_answers_and_moves_primary_until(api, supervisor, teams, crew):
    client = api(supervisor)
    client.post("/api/rotations/", weekly(teams["desk"], crew), format="json")
    secondary = weekly(teams["desk"], crew[::-1], name="Desk secondary", layer=2)
    assert client.post("/api/rotations/", secondary, format="json").status_code == 201
    response = cover(client, teams["desk"], crew[2], "2026-03-18T20:00:00Z", "2026-03-19T06:00:00Z")
    assert response.status_code == 201, response.json()
    assert OnCallOverride.objects.get().created_by == supervisor
    inside = on_call(client, teams["desk"], "2026-03-18T23:00:00Z")
    assert (inside["primary"], inside["secondary"]) == (crew[2].pk, crew[2].pk)
    assert instant(inside["primary_until"]) == instant("2026-03-19T06:00:00Z")
    before = on_call(client, teams["desk"], "2026-03-18T19:00:00Z")
    assert before["primary"] == crew[0].pk
    assert instant(before["primary_until"]) == instant("2026-03-18T20:00:00Z")
    assert on_call(client, teams["desk"], "2026-03-19T06:00:00Z")["primary"] == crew[0].pk


def test_no_rotation_means_nobody(api, agent, teams):
    answer = on_call(api(agent), teams["desk"], "2026-03-18T23:00:00Z")
    assert answer["primary"] is None and answer["primary_until"] is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"handoff_time": "25:00"}, "handoff_time"),
        ({"cadence": "hourly"}, "cadence"),
        ({"layer": 3}, "layer"),
        ({"handoff_weekday": 7}, "handoff_weekday"),
    ],
)
def test_bad_rotations_get_field_errors_and_nothing_is_stored(
    api, supervisor, teams, crew, change, field
):
    response = api(supervisor).post(
        "/api/rotations/", weekly(teams["desk"], crew, **change), format="json"
    )
    assert response.status_code == 400
    assert field in response.json()
    assert not Rotation.objects.exists()


def test_members_must_belong_to_the_team_and_appear_once(api, supervisor, tier2_agent, teams, crew):
    client = api(supervisor)
    stranger = client.post(
        "/api/rotations/", weekly(teams["desk"], [*crew, tier2_agent]), format="json"
    )
    assert stranger.status_code == 400
    assert "Not a member of Service Desk" in str(stranger.json()["members"])
    twice = client.post("/api/rotations/", weekly(teams["desk"], [crew[0], crew[0]]), format="json")
    assert twice.status_code == 400 and "members" in twice.json()
    assert not Rotation.objects.exists()


def test_one_rotation_per_team_and_layer(api, supervisor, teams, crew):
    client = api(supervisor)
    assert (
        client.post("/api/rotations/", weekly(teams["desk"], crew), format="json").status_code
        == 201
    )
    again = client.post("/api/rotations/", weekly(teams["desk"], crew), format="json")
    assert again.status_code == 400 and "layer" in again.json()


def test_an_override_that_ends_before_it_starts_is_refused(api, supervisor, teams, crew):
    response = cover(
        api(supervisor), teams["desk"], crew[0], "2026-03-19T06:00:00Z", "2026-03-19T06:00:00Z"
    )
    assert response.status_code == 400 and "end" in response.json()


def test_agents_read_supervisors_write_customers_nothing(api, agent, customer, teams, crew):
    assert api(agent).get("/api/rotations/").status_code == 200
    assert (
        api(agent).post("/api/rotations/", weekly(teams["desk"], crew), format="json").status_code
        == 403
    )
    assert api(customer).get(f"/api/teams/{teams['desk'].pk}/on-call/").status_code == 403


def test_on_call_of_an_unknown_team_is_404_and_a_bad_at_is_400(api, agent, teams):
    assert api(agent).get("/api/teams/999999/on-call/").status_code == 404
    response = api(agent).get(f"/api/teams/{teams['desk'].pk}/on-call/", {"at": "yesterday"})
    assert response.status_code == 400 and "at" in response.json()
