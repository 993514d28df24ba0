"""Every ticket lands in a team: the intake team takes what names none; customers never choose."""

import pytest
from django.db import IntegrityError

from incidents.models import Team, Ticket

NEW = {"subject": "VPN down", "description": "Cannot connect since this morning."}


@pytest.fixture
def intake(teams):
    teams["apps"].is_intake = True
    teams["apps"].save_moving_intake()
    return teams["apps"]


def test_customer_ticket_without_team_goes_to_the_intake_team(api, customer, intake, make_user):
    response = api(customer).post("/api/tickets/", NEW, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["team"] == intake.pk

    intake_agent = make_user("intake-agent", role="agent")
    intake.memberships.create(user=intake_agent)
    ticket = api(intake_agent).get(f"/api/tickets/{response.json()['id']}/")
    assert ticket.status_code == 200


def test_customer_cannot_choose_a_team(api, customer, teams):
    response = api(customer).post("/api/tickets/", {**NEW, "team": teams["eng"].pk}, format="json")
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Invalid input.",
        "team": ["Customers cannot choose a team."],
    }
    assert not Ticket.objects.exists()


def test_agent_may_choose_a_team(api, agent, teams):
    response = api(agent).post("/api/tickets/", {**NEW, "team": teams["eng"].pk}, format="json")
    assert response.status_code == 201
    assert response.json()["team"] == teams["eng"].pk


def test_without_a_marked_intake_team_the_lowest_tier_takes_it(customer, teams):
    Team.objects.update(is_intake=False)  # behind the models' back: no rule refuses it
    ticket = Ticket.open_ticket(requester=customer, subject="a", description="b")
    assert ticket.team == teams["desk"]


def test_without_any_team_a_ticket_has_none(customer):
    Team.objects.all().delete()  # a database emptied behind the migrations' back
    ticket = Ticket.open_ticket(requester=customer, subject="a", description="b")
    assert ticket.team is None


def test_at_most_one_intake_team(intake, teams):
    with pytest.raises(IntegrityError):
        Team.objects.filter(pk=teams["desk"].pk).update(is_intake=True)


def test_seed_demo_marks_the_service_desk(db):
    from helpdesk.demo import seed_teams

    teams = seed_teams()
    assert Team.objects.get(is_intake=True) == teams["service-desk"]
