"""/api/teams/: agents read teams with members; supervisors write them, members included."""

from incidents.models import Membership, Team


def test_agents_read_teams_with_members(api, agent, teams):
    body = api(agent).get("/api/teams/").json()
    desk = next(t for t in body["results"] if t["slug"] == "service-desk")
    assert desk["tier"] == 1 and desk["escalates_to"] == teams["apps"].pk
    assert desk["members"] == [{"user": agent.pk, "role": "agent"}]


def test_customers_cannot_read_teams(api, customer, teams):
    assert api(customer).get("/api/teams/").status_code == 403


def test_agents_cannot_write_teams(api, agent, teams):
    response = api(agent).patch(f"/api/teams/{teams['desk'].pk}/", {"name": "X"}, format="json")
    assert response.status_code == 403


def test_supervisor_creates_a_team_with_members(api, supervisor, agent, lead, teams):
    response = api(supervisor).post(
        "/api/teams/",
        {
            "name": "Network",
            "slug": "network",
            "tier": 2,
            "escalates_to": teams["eng"].pk,
            "email": "net@example.com",
            "members": [{"user": agent.pk, "role": "agent"}, {"user": lead.pk, "role": "lead"}],
        },
        format="json",
    )
    assert response.status_code == 201
    team = Team.objects.get(slug="network")
    assert response.headers["Location"].endswith(f"/api/teams/{team.pk}/")
    assert team.leads() == [lead]


def test_patching_members_replaces_them(api, supervisor, agent, lead, teams):
    response = api(supervisor).patch(
        f"/api/teams/{teams['desk'].pk}/",
        {"members": [{"user": lead.pk, "role": "lead"}]},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["members"] == [{"user": lead.pk, "role": "lead"}]
    assert not Membership.objects.filter(user=agent).exists()


def test_escalation_must_climb(api, supervisor, teams):
    client = api(supervisor)
    response = client.patch(
        f"/api/teams/{teams['apps'].pk}/", {"escalates_to": teams["desk"].pk}, format="json"
    )
    assert response.status_code == 400 and "escalates_to" in response.json()
    response = client.patch(f"/api/teams/{teams['apps'].pk}/", {"tier": 1}, format="json")
    assert response.status_code == 400 and "tier" in response.json()


def test_duplicate_members_are_refused(api, supervisor, agent, teams):
    response = api(supervisor).patch(
        f"/api/teams/{teams['desk'].pk}/",
        {"members": [{"user": agent.pk, "role": "agent"}, {"user": agent.pk, "role": "lead"}]},
        format="json",
    )
    assert response.status_code == 400 and "members" in response.json()


def test_a_team_with_tickets_cannot_be_deleted(api, supervisor, make_ticket, customer, teams):
    make_ticket(customer, team=teams["apps"])
    client = api(supervisor)
    response = client.delete(f"/api/teams/{teams['apps'].pk}/")
    assert response.status_code == 409
    assert "in use" in response.json()["detail"]
    assert client.delete(f"/api/teams/{teams['eng'].pk}/").status_code == 204


def test_teams_say_which_is_the_intake_team(api, agent, teams):
    body = api(agent).get("/api/teams/").json()
    assert {t["slug"]: t["is_intake"] for t in body["results"]} == {
        "service-desk": True,
        "app-support": False,
        "engineering": False,
    }


def test_the_intake_team_cannot_be_deleted(api, supervisor, teams):
    response = api(supervisor).delete(f"/api/teams/{teams['desk'].pk}/")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "Service Desk is the intake team and cannot be deleted. "
        "Make another team the intake team first."
    }
    assert Team.objects.get(is_intake=True) == teams["desk"]


def test_the_flag_cannot_be_taken_off_the_intake_team(api, supervisor, teams):
    response = api(supervisor).patch(
        f"/api/teams/{teams['desk'].pk}/", {"is_intake": False}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["is_intake"] == [
        "There is always an intake team: make another team the intake team instead."
    ]
    assert Team.objects.get(is_intake=True) == teams["desk"]


def test_flagging_another_team_moves_the_intake_flag(api, supervisor, teams):
    client = api(supervisor)
    response = client.patch(f"/api/teams/{teams['apps'].pk}/", {"is_intake": True}, format="json")

    assert response.status_code == 200, response.content
    assert response.json()["is_intake"] is True
    assert Team.objects.get(is_intake=True) == teams["apps"]
    assert client.get(f"/api/teams/{teams['desk'].pk}/").json()["is_intake"] is False
    # The Service Desk is an ordinary team now: unflagged, and deletable.
    assert client.delete(f"/api/teams/{teams['desk'].pk}/").status_code == 204


def test_a_new_team_created_as_intake_takes_the_flag(api, supervisor, teams):
    response = api(supervisor).post(
        "/api/teams/",
        {"name": "Front Line", "slug": "front-line", "tier": 1, "is_intake": True},
        format="json",
    )

    assert response.status_code == 201, response.content
    assert Team.objects.get(is_intake=True).slug == "front-line"
