"""Configuration history (issue 27): who changed what and when, and through which path."""

import pytest

from dbtools.history import changed_by
from escalation.models import EscalationLevel, EscalationPolicy, SLAPolicy, SLATarget
from incidents.models import PriorityMatrixEntry, Team
from tests.admin_pages import url

from .test_admin import matrix_post, policy_form

pytestmark = pytest.mark.django_db


def latest(model, **filters):
    return model.history.filter(**filters).order_by("-history_id").first()


def test_a_change_in_the_admin_is_recorded_with_who_and_shown(
    client, supervisor, teams, tier2_agent
):
    client.force_login(supervisor)
    client.post(url(EscalationPolicy, "add"), policy_form(teams, tier2_agent))
    policy = EscalationPolicy.objects.get()
    levels = list(policy.levels.order_by("order"))
    data = policy_form(teams, tier2_agent, name="Major incidents (24×7)")
    data.update(
        {
            "levels-INITIAL_FORMS": 2,
            "levels-0-id": levels[0].pk,
            "levels-1-id": levels[1].pk,
            "levels-0-offset_seconds": "-30m",
        }
    )
    assert client.post(url(EscalationPolicy, "change", policy.pk), data).status_code == 302

    record = latest(EscalationPolicy, id=policy.pk)
    assert (record.name, record.history_user, record.history_change_reason) == (
        "Major incidents (24×7)",
        supervisor,
        "admin",
    )
    level = latest(EscalationLevel, id=levels[0].pk)
    assert (level.offset_seconds, level.history_user, level.history_type) == (
        -1800,
        supervisor,
        "~",
    )
    page = client.get(url(EscalationPolicy, "history", policy.pk)).content.decode()
    assert "Major incidents (24×7)" in page and "Levels" in page
    assert "Level 1: first response due -30m" in page  # the level's row, as it became


def test_a_change_through_the_api_is_recorded_with_who(api, supervisor, teams):
    client = api(supervisor)
    targets = [{"priority": "P1", "first_response": "15m", "resolution": "4h"}]
    created = client.post("/api/sla-policies/", {"name": "Gold", "targets": targets}, format="json")
    policy_id = created.json()["id"]
    client.patch(f"/api/sla-policies/{policy_id}/", {"name": "Platinum"}, format="json")

    record = latest(SLAPolicy, id=policy_id)
    assert (record.name, record.history_user, record.history_change_reason) == (
        "Platinum",
        supervisor,
        "API",
    )
    target = latest(SLATarget, policy_id=policy_id)
    assert (target.first_response_seconds, target.history_user, target.history_change_reason) == (
        900,
        supervisor,
        "API",
    )
    client.patch(f"/api/teams/{teams['eng'].pk}/", {"email": "eng2@example.com"}, format="json")
    team = latest(Team, id=teams["eng"].pk)
    assert (team.email, team.history_user, team.history_change_reason) == (
        "eng2@example.com",
        supervisor,
        "API",
    )


def test_the_matrix_grid_records_and_lists_its_changes(client, supervisor):
    client.force_login(supervisor)
    client.post(url(PriorityMatrixEntry, "changelist"), matrix_post(low_low="P3"))

    record = latest(PriorityMatrixEntry)
    assert (record.impact, record.urgency, record.priority) == ("low", "low", "P3")
    assert (record.history_user, record.history_change_reason) == (supervisor, "admin")
    page = client.get(url(PriorityMatrixEntry, "changelist")).content.decode()
    assert "Impact low, urgency low</td><td>P3</td>" in page


def test_an_import_names_itself_and_its_user(supervisor, teams):
    with changed_by("import", supervisor):
        Team.objects.filter(pk=teams["eng"].pk).get().save()

    record = latest(Team, id=teams["eng"].pk)
    assert (record.history_user, record.history_change_reason) == (supervisor, "import")
