"""What a new clock freezes is what the policies' own snapshots and lookups say (issue 11)."""

from datetime import date

import pytest

from escalation.models import SLAPolicy
from escalation.models.terms import frozen_terms
from tests.escalation.sla_setup import HOUR, escalation_policy, office_calendar, sla_policy

pytestmark = pytest.mark.django_db


def test_the_copies_are_the_models_snapshots(teams, agent):
    calendar = office_calendar(holidays=[date(2025, 12, 25), date(2025, 1, 1)])
    sla_policy(calendar, response=2 * HOUR, priorities=("P2", "P3"))
    policy = escalation_policy(
        [
            {"anchor": "created", "offset_seconds": 60, "notify_users": [agent]},
            {"anchor": "response_due", "offset_seconds": 0, "reassign_to": teams["apps"]},
        ],
        repeat=1,
    )

    terms = frozen_terms(teams["desk"].pk, "P2")

    assert terms["calendar"] == calendar.snapshot()
    # Naming the version they came from: the policy's newest history row (issue 27).
    version = policy.history.latest("history_id").history_id
    assert terms["policy"] == {**policy.snapshot(), "version": version}
    assert terms["policy_key"] == str(policy.pk)
    assert terms["response_target_seconds"] == 2 * HOUR


def test_the_same_policies_apply_as_the_lookups_choose(teams):
    default = sla_policy(None, priorities=("P3",))
    named = SLAPolicy.objects.create(name="Desk")
    named.teams.add(teams["desk"])
    everyone = escalation_policy([{"anchor": "created"}], name="Everyone")
    only_p1 = escalation_policy([{"anchor": "created"}], name="P1 desk")
    only_p1.priorities = ["P1"]
    only_p1.save()
    only_p1.teams.add(teams["desk"])

    # The policy naming the team beats the default (SLA) and all teams; naming a priority beats
    # all priorities.
    chosen = {
        (team, priority): (
            frozen_terms(teams[team].pk, priority)["sla_policy_id"],
            frozen_terms(teams[team].pk, priority)["policy_key"],
        )
        for team, priority in [("desk", "P1"), ("desk", "P3"), ("apps", "P3")]
    }
    assert chosen == {
        ("desk", "P1"): (named.pk, str(only_p1.pk)),
        ("desk", "P3"): (named.pk, str(everyone.pk)),
        ("apps", "P3"): (default.pk, str(everyone.pk)),
    }
    assert frozen_terms(teams["apps"].pk, "P3")["sla_policy_id"] == default.pk
    assert frozen_terms(teams["desk"].pk, "P3")["response_target_seconds"] is None
    assert frozen_terms(teams["desk"].pk, "P3")["policy_key"] == str(everyone.pk)


def test_without_policies_nothing_is_frozen(teams):
    assert frozen_terms(teams["desk"].pk, "P3") == {
        "sla_policy_id": None,
        "sla_policy_name": "",
        "sla_policy_version": None,
        "calendar": None,
        "response_target_seconds": None,
        "resolution_target_seconds": None,
        "policy": None,
        "policy_key": "",
    }


def test_frozen_terms_name_the_versions_they_came_from(teams, make_ticket, customer):
    sla = sla_policy(None, priorities=("P3",))
    policy = escalation_policy([{"anchor": "created", "offset_seconds": 60}])
    before = make_ticket(customer, team=teams["desk"]).sla_clock

    policy.name = "Escalation, renamed"
    policy.save()
    after = make_ticket(customer, team=teams["desk"]).sla_clock

    versions = list(policy.history.order_by("history_id").values_list("history_id", flat=True))
    assert (before.policy["version"], after.policy["version"]) == (versions[0], versions[-1])
    assert (
        before.sla_policy_version
        == after.sla_policy_version
        == (sla.history.latest("history_id").history_id)
    )
