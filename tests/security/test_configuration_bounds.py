"""Issue 10 item 3: configuration that can break tickets is refused with a human sentence, the
same bounds in the admin, the API and the database."""

import pytest
from django.db import IntegrityError, transaction

from escalation.models import EscalationPolicy, SLAPolicy, SLATarget
from incidents.models import Membership
from tests.admin_pages import url

from ..escalation.test_admin import inline

pytestmark = pytest.mark.django_db
HUGE = 10**12


@pytest.fixture
def as_supervisor(client, supervisor):
    client.force_login(supervisor)
    return client


def test_configuration_bounds_the_admin_refuses_a_target_over_a_year(as_supervisor):
    data = {
        "name": "Typo",
        **inline(
            "targets", {"priority": "P1", "first_response_seconds": 900, "resolution_seconds": HUGE}
        ),
    }
    response = as_supervisor.post(url(SLAPolicy, "add"), data)

    assert response.status_code == 200
    assert "At most 365d." in response.content.decode()
    assert not SLAPolicy.objects.exists()


def test_configuration_bounds_the_database_refuses_a_target_over_a_year():
    policy = SLAPolicy.objects.create(name="Std")
    with pytest.raises(IntegrityError), transaction.atomic():
        SLATarget.objects.create(  # within the column's integer range, over a year
            policy=policy, priority="P1", first_response_seconds=1, resolution_seconds=10**9
        )


def test_configuration_bounds_a_constraint_reads_as_a_sentence_in_the_admin(as_supervisor):
    data = {
        "name": "Twice",
        **inline(
            "targets",
            {"priority": "P1", "first_response_seconds": 900, "resolution_seconds": 3600},
            {"priority": "P1", "first_response_seconds": 600, "resolution_seconds": 7200},
        ),
    }
    page = as_supervisor.post(url(SLAPolicy, "add"), data).content.decode()

    assert "sla_target_unique" not in page
    assert "Please correct the duplicate data for priority" in page


def test_configuration_bounds_repeat_interval_is_bounded(as_supervisor):
    data = {
        "name": "Nag",
        "is_active": "on",
        "repeat": 2,
        "repeat_interval_seconds": HUGE,
        **inline("levels"),
    }
    page = as_supervisor.post(url(EscalationPolicy, "add"), data).content.decode()

    assert "At most 90d." in page
    assert not EscalationPolicy.objects.exists()


def test_configuration_bounds_a_customer_cannot_join_a_team(customer, teams):
    membership = Membership(user=customer, team=teams["desk"])
    with pytest.raises(Exception, match="Only agents and supervisors"):
        membership.full_clean()


def test_configuration_bounds_the_admin_refuses_a_customer_as_member(
    as_supervisor, customer, teams
):
    team = teams["desk"]
    data = {
        "name": team.name,
        "slug": team.slug,
        "tier": team.tier,
        "email": "",
        **inline("memberships", {"user": customer.pk, "role": "agent"}),
    }
    data["memberships-INITIAL_FORMS"] = 0
    page = as_supervisor.post(url(type(team), "change", team.pk), data).content.decode()

    assert "Only agents and supervisors can be team members." in page
    assert not Membership.objects.filter(user=customer).exists()


CALENDAR = {"name": "Office", "timezone": "Europe/Berlin"}
NINE_TO_FIVE = [{"weekday": 0, "start": "09:00", "end": "17:00"}]


@pytest.mark.parametrize("zone", ["localtime", "posixrules", "Factory", "posix/Europe/Berlin"])
def test_configuration_bounds_the_api_refuses_non_iana_zones(api, supervisor, zone):
    body = {**CALENDAR, "timezone": zone, "hours": NINE_TO_FIVE}
    response = api(supervisor).post("/api/calendars/", body, format="json")

    assert response.status_code == 400
    assert "timezone" in response.json()


def test_configuration_bounds_the_api_refuses_opening_hours_with_seconds(api, supervisor):
    hours = [{"weekday": 0, "start": "09:00:30", "end": "17:00"}]
    response = api(supervisor).post("/api/calendars/", {**CALENDAR, "hours": hours}, format="json")

    assert response.status_code == 400
    assert response.json()["hours[0].start"] == [
        "Time has wrong format. Use one of these formats instead: hh:mm."
    ]


def test_configuration_bounds_the_api_refuses_a_fractional_team_id(api, agent, teams):
    body = {"subject": "s", "description": "d", "team": teams["desk"].pk + 0.5}
    response = api(agent).post("/api/tickets/", body, format="json")

    assert response.status_code == 400
    assert response.json()["team"] == ["Incorrect type. Expected pk value, received float."]


def test_configuration_bounds_the_api_refuses_a_target_over_a_year(api, supervisor):
    target = {"priority": "P1", "first_response_seconds": 900, "resolution_seconds": HUGE}
    body = {"name": "Typo", "targets": [target]}
    response = api(supervisor).post("/api/sla-policies/", body, format="json")

    assert response.status_code == 400
    assert not SLAPolicy.objects.exists()


def test_configuration_bounds_the_api_refuses_a_customer_as_team_member(api, supervisor, customer):
    body = {"name": "Night", "slug": "night", "tier": 1, "members": [{"user": customer.pk}]}
    response = api(supervisor).post("/api/teams/", body, format="json")

    assert response.status_code == 400
    assert response.json()["members[0].user"] == [
        f"User {customer.pk} is not an active agent or supervisor."
    ]


def test_configuration_bounds_the_api_refuses_a_customer_in_notify_users(api, supervisor, customer):
    level = {"order": 1, "anchor": "response_due", "notify_users": [customer.pk]}
    body = {"name": "Page", "levels": [level]}
    response = api(supervisor).post("/api/escalation-policies/", body, format="json")

    assert response.status_code == 400
    assert response.json()["levels[0].notify_users"] == [
        f"User {customer.pk} is not an active agent or supervisor."
    ]
    assert not EscalationPolicy.objects.exists()


def test_configuration_bounds_the_admin_refuses_a_customer_in_notify_users(
    as_supervisor, teams, customer
):
    from ..escalation.test_admin import policy_form

    page = as_supervisor.post(url(EscalationPolicy, "add"), policy_form(teams, customer))

    assert page.status_code == 200
    assert "Select a valid choice" in page.content.decode()
    assert not EscalationPolicy.objects.exists()
