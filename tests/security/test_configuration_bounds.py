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
    assert "Ensure this value is less than or equal to 31536000" in response.content.decode()
    assert not SLAPolicy.objects.exists()


def test_configuration_bounds_the_database_refuses_a_target_over_a_year():
    policy = SLAPolicy.objects.create(name="Std")
    with pytest.raises(IntegrityError), transaction.atomic():
        SLATarget.objects.create(
            policy=policy, priority="P1", first_response_seconds=1, resolution_seconds=HUGE
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

    assert "less than or equal to 7776000" in page
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
