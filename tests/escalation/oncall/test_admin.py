"""The on-call admin: a supervisor saves a rotation with its members in order; strangers refused."""

import pytest

from escalation.models import OnCallOverride, Rotation
from tests.escalation.test_admin import inline

ROTATION = {
    "name": "Desk nights",
    "layer": 1,
    "timezone": "America/New_York",
    "cadence": "daily",
    "handoff_time": "08:00",
    "handoff_weekday": 0,
    "start_date": "2026-03-06",
}


@pytest.fixture
def as_supervisor(client, supervisor):
    client.force_login(supervisor)
    return client


def test_supervisor_saves_a_rotation_with_members_in_order(as_supervisor, teams, agent, lead):
    data = {
        **ROTATION,
        "team": teams["desk"].pk,
        **inline(
            "memberships", {"position": 1, "user": lead.pk}, {"position": 0, "user": agent.pk}
        ),
    }
    response = as_supervisor.post("/admin/escalation/rotation/add/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    rotation = Rotation.objects.get()
    assert rotation.cycle().members == (agent.pk, lead.pk)


def test_a_stranger_in_the_rotation_is_refused(as_supervisor, teams, agent, tier2_agent):
    data = {
        **ROTATION,
        "team": teams["desk"].pk,
        **inline(
            "memberships",
            {"position": 0, "user": agent.pk},
            {"position": 1, "user": tier2_agent.pk},
        ),
    }
    response = as_supervisor.post("/admin/escalation/rotation/add/", data)
    assert response.status_code == 200
    assert "Not a member of Service Desk" in response.content.decode()
    assert not Rotation.objects.exists()


def test_an_override_for_a_member_records_who_made_it(
    as_supervisor, supervisor, teams, agent, tier2_agent
):
    form = {
        "team": teams["desk"].pk,
        "layer": 1,
        "start_0": "2026-03-18",
        "start_1": "20:00:00",
        "end_0": "2026-03-19",
        "end_1": "06:00:00",
    }
    refused = as_supervisor.post(
        "/admin/escalation/oncalloverride/add/", {**form, "user": tier2_agent.pk}
    )
    assert refused.status_code == 200 and "Not a member of Service Desk" in refused.content.decode()
    saved = as_supervisor.post("/admin/escalation/oncalloverride/add/", {**form, "user": agent.pk})
    assert saved.status_code == 302
    assert OnCallOverride.objects.get().created_by == supervisor


def test_the_rotation_page_previews_14_days_of_final_shifts(as_supervisor, teams, agent, lead):
    from datetime import timedelta

    from django.utils import timezone

    from escalation.models import OnCallOverride

    from .builders import rotation

    made = rotation(teams["desk"], [agent, lead], timezone.now().date() - timedelta(days=1))
    start = timezone.now() + timedelta(days=2)
    OnCallOverride.objects.create(
        team=teams["desk"], layer=1, user=lead, start=start, end=start + timedelta(hours=3)
    )
    page = as_supervisor.get(f"/admin/escalation/rotation/{made.pk}/change/").content.decode()
    assert "Next 14 days (overrides included)" in page
    assert page.count("tier1-agent</li>") >= 6 and "tier1-lead (override)</li>" in page
