"""Policies as code (issue 27): export_policies and import_policies."""

import copy
import io

import pytest
import yaml
from django.core.management import CommandError, call_command

from escalation.models import EscalationLevel, EscalationPolicy, SLAPolicy
from incidents.models import PriorityMatrixEntry, Team

from .sla_setup import HOUR, escalation_policy, office_calendar, sla_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def configured(teams, lead):
    """A calendar with a holiday, an SLA policy on it, a policy with two levels, a matrix cell."""
    from datetime import date

    sla = sla_policy(office_calendar(holidays=[date(2025, 12, 25)]), response=HOUR)
    sla.teams.set([teams["desk"]])
    policy = escalation_policy(
        [
            {"anchor": "response_due", "offset_seconds": -900, "notify": ["team_leads"]},
            {
                "anchor": "response_due",
                "offset_seconds": 0,
                "notify_users": [lead],
                "reassign_to": teams["apps"],
                "webhook_url": "https://hooks.example.com/x",
                "webhook_secret": "s3cret",
            },
        ],
        repeat=1,
        interval=1800,
    )
    policy.teams.set([teams["desk"]])
    PriorityMatrixEntry.set_matrix({("low", "low"): "P3"})
    return policy


def export():
    out = io.StringIO()
    call_command("export_policies", stdout=out)
    return out.getvalue()


def run_import(tmp_path, text, *args):
    path = tmp_path / "policies.yaml"
    path.write_text(text)
    out, err = io.StringIO(), io.StringIO()
    call_command("import_policies", str(path), *args, stdout=out, stderr=err)
    return out.getvalue()


def history_rows():
    return sum(
        model.history.count()
        for model in (Team, SLAPolicy, EscalationPolicy, EscalationLevel, PriorityMatrixEntry)
    )


def test_the_export_names_things_by_natural_keys(configured):
    document = yaml.safe_load(export())

    policy = document["escalation_policies"][0]
    assert policy["teams"] == ["service-desk"]
    assert policy["repeat_interval"] == "30m"
    assert policy["levels"][0]["offset"] == "-15m"
    assert policy["levels"][1]["reassign_to"] == "app-support"
    assert policy["levels"][1]["notify_users"] == ["tier1-lead"]
    assert "webhook_secret" not in policy["levels"][1]  # secrets never leave
    assert document["calendars"][0]["holidays"] == [{"date": "2025-12-25", "name": ""}]
    assert document["sla_policies"][0]["calendar"] == "Berlin office"
    assert document["teams"][0]["escalates_to"] == "app-support"
    assert document["matrix"]["low"] == {"high": "P3", "medium": "P4", "low": "P3"}
    assert " id:" not in export()


def test_export_then_import_changes_nothing(configured, tmp_path):
    text, rows = export(), history_rows()

    assert run_import(tmp_path, text).strip() == "No changes."
    assert export() == text
    assert history_rows() == rows  # not even a history row
    assert EscalationLevel.objects.get(order=2).webhook_secret == "s3cret"


def test_a_dry_run_prints_the_diff_and_changes_nothing(configured, tmp_path):
    document = yaml.safe_load(export())
    document["escalation_policies"][0]["levels"][0]["offset"] = "-30m"
    before = export()

    out = run_import(tmp_path, yaml.safe_dump(document), "--dry-run")

    assert "-    offset: -15m" in out and "+    offset: -30m" in out
    assert "Dry run: nothing was changed." in out
    assert export() == before


def test_an_import_applies_the_diff(configured, tmp_path):
    document = yaml.safe_load(export())
    document["escalation_policies"][0]["levels"][0]["offset"] = "-30m"
    document["teams"].append(
        {"slug": "noc", "name": "Network Operations", "tier": 2, "escalates_to": "engineering"}
    )

    out = run_import(tmp_path, yaml.safe_dump(document))

    assert "Applied." in out
    assert EscalationLevel.objects.get(order=1).offset_seconds == -1800
    assert Team.objects.get(slug="noc").escalates_to.slug == "engineering"
    assert EscalationLevel.objects.get(order=2).webhook_secret == "s3cret"  # kept
    level = EscalationLevel.history.filter(order=1).latest("history_id")
    assert level.history_change_reason == "import"


def test_a_broken_document_reports_every_error_with_its_path_and_changes_nothing(
    configured, tmp_path
):
    document = yaml.safe_load(export())
    policy = document["escalation_policies"][0]
    policy["levels"][0]["offset"] = "soon"
    policy["levels"][1]["reassign_to"] = "nobody"
    document["sla_policies"][0]["targets"][0]["priority"] = "P9"
    document["teams"][2]["escalates_to"] = "service-desk"  # Engineering → desk: a loop
    document["matrix"]["low"]["low"] = "P7"
    before = export()

    with pytest.raises(CommandError, match="nothing was changed"):
        run_import(tmp_path, yaml.safe_dump(document))

    assert export() == before
    err = io.StringIO()
    path = tmp_path / "policies.yaml"
    with pytest.raises(CommandError):
        call_command("import_policies", str(path), stderr=err)
    lines = err.getvalue()
    assert "escalation_policies[0].levels[0].offset: “soon” is not a duration." in lines
    assert "escalation_policies[0].levels[1].reassign_to: No team “nobody”." in lines
    assert "sla_policies[0].targets[0].priority:" in lines
    assert "teams[2].escalates_to: Engineering → Service Desk → Application Support → " in lines
    assert "matrix.low.low:" in lines


def test_a_guard_rail_is_refused_on_import(configured, tmp_path):
    document = yaml.safe_load(export())
    document["escalation_policies"][0]["levels"][1]["reassign_to"] = "service-desk"
    err = io.StringIO()
    path = tmp_path / "policies.yaml"
    path.write_text(yaml.safe_dump(document))

    with pytest.raises(CommandError):
        call_command("import_policies", str(path), stderr=err)
    assert (
        "escalation_policies[0].levels[1].reassign_to: Level 2 reassigns to Service Desk, "
        "which already holds the ticket"
    ) in err.getvalue()


def test_a_name_given_twice_in_a_section_is_an_error_not_a_silent_overwrite(configured, tmp_path):
    """Two policies of one name: before, the second was applied over the first (an update of
    the row the first had just written), and the import said "Applied."."""
    from escalation.policy_code import apply_document

    document = yaml.safe_load(export())
    twin = {**copy.deepcopy(document["escalation_policies"][0]), "repeat": 3}
    document["escalation_policies"].append(twin)
    document["teams"].append({**document["teams"][0], "name": "Another desk"})
    before = export()

    outcome = apply_document(document)

    assert outcome.errors == {
        "escalation_policies[1].name": [
            "“Escalation” is named twice: also at escalation_policies[0]. Name each once."
        ],
        "teams[3].slug": ["“service-desk” is named twice: also at teams[0]. Name each once."],
    }
    assert not outcome.applied and export() == before
