"""A level's `on_call` targets reach who holds the shift at the level's instant; an away person
is skipped for their deputy, and the timeline says so (engine on an injected clock)."""

from datetime import date

import pytest

from escalation.models import OnCallOverride
from incidents.models import Absence, Membership
from notifications.models import Notification

from ..sla_setup import HOUR, berlin, escalation_policy, run_engine, sla_policy
from . import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def crew(make_user, teams):
    people = [make_user(name, role="agent") for name in ("ana", "ben", "cem", "dee")]
    for person in people:
        Membership.objects.create(user=person, team=teams["desk"], role="agent")
    return people


@pytest.fixture
def rotation(teams, crew):
    """Daily 09:00 Berlin: ana from Mon 1 Jun 2026, then ben, then cem; dee is secondary."""
    desk, day = teams["desk"], date(2026, 6, 1)
    builders.rotation(desk, crew[3:], day, layer=2, zone="Europe/Berlin", cadence="weekly")
    return builders.rotation(desk, crew[:3], day, zone="Europe/Berlin")


def told(ticket):
    return sorted(
        Notification.objects.filter(ticket=ticket, cause__startswith="firing:").values_list(
            "recipient__username", flat=True
        )
    )


def open_on_call_ticket(make_ticket, customer, teams, notify, at):
    sla_policy(None, response=HOUR, resolution=8 * HOUR)  # 24x7
    escalation_policy([{"anchor": "created", "offset_seconds": 600, "notify": notify}])
    return make_ticket(customer, team=teams["desk"], at=at)


def test_on_call_reaches_whoever_holds_the_shift_when_the_level_fires(
    rotation, make_ticket, customer, teams
):
    # Opened Tue 08:45 (ana's shift, started Mon 09:00); the level fires at 08:55, still ana's.
    ticket = open_on_call_ticket(
        make_ticket, customer, teams, ["on_call"], berlin(2026, 6, 2, 8, 45)
    )
    assert run_engine(berlin(2026, 6, 2, 8, 55)) == 1
    assert told(ticket) == ["ana"]


def test_on_call_secondary_and_an_override_inside_the_shift(
    rotation, make_ticket, customer, teams, crew
):
    OnCallOverride.objects.create(
        team=teams["desk"],
        layer=1,
        user=crew[2],
        start=berlin(2026, 6, 2, 12),
        end=berlin(2026, 6, 2, 14),
    )
    ticket = open_on_call_ticket(
        make_ticket, customer, teams, ["on_call", "on_call_secondary"], berlin(2026, 6, 2, 12, 50)
    )
    assert run_engine(berlin(2026, 6, 2, 13)) == 1
    assert told(ticket) == ["cem", "dee"]


def test_an_away_person_is_skipped_and_their_deputy_told_with_the_timeline_saying_so(
    rotation, make_ticket, customer, teams, crew
):
    ana, ben = crew[0], crew[1]
    Absence.objects.create(user=ana, start=berlin(2026, 6, 1), end=berlin(2026, 6, 5), deputy=ben)
    ticket = open_on_call_ticket(
        make_ticket, customer, teams, ["on_call"], berlin(2026, 6, 2, 8, 45)
    )
    assert run_engine(berlin(2026, 6, 2, 8, 55)) == 1
    assert told(ticket) == ["ben"]
    event = ticket.events.get(kind="escalated")
    assert event.data["skipped"] == [
        {"user": ana.pk, "name": "ana", "told_instead": ben.pk, "told_instead_name": "ben"}
    ]


def test_the_away_rule_covers_team_targets_and_named_users_and_no_deputy_means_skipped(
    make_ticket, customer, teams, crew, lead
):
    ana, ben = crew[0], crew[1]
    Absence.objects.create(user=lead, start=berlin(2026, 6, 1), end=berlin(2026, 6, 5))
    Absence.objects.create(user=ana, start=berlin(2026, 6, 1), end=berlin(2026, 6, 5), deputy=lead)
    sla_policy(None, response=HOUR, resolution=8 * HOUR)
    escalation_policy(
        [
            {
                "anchor": "created",
                "offset_seconds": 600,
                "notify": ["team_leads"],
                "notify_users": [ana.pk, ben.pk],
            }
        ]
    )
    ticket = make_ticket(customer, team=teams["desk"], at=berlin(2026, 6, 2, 8, 45))
    assert run_engine(berlin(2026, 6, 2, 8, 55)) == 1
    # The lead is away with no deputy; ana's deputy is the lead, away too: only ben is told.
    assert told(ticket) == ["ben"]
    skipped = ticket.events.get(kind="escalated").data["skipped"]
    assert sorted((s["user"], s["told_instead"]) for s in skipped) == sorted(
        [(ana.pk, None), (lead.pk, None)]
    )


def test_an_absence_that_has_ended_changes_nothing(rotation, make_ticket, customer, teams, crew):
    Absence.objects.create(
        user=crew[0], start=berlin(2026, 5, 1), end=berlin(2026, 6, 2, 8, 55), deputy=crew[1]
    )
    ticket = open_on_call_ticket(
        make_ticket, customer, teams, ["on_call"], berlin(2026, 6, 2, 8, 45)
    )
    run_engine(berlin(2026, 6, 2, 8, 55))
    assert told(ticket) == ["ana"]
    assert "skipped" not in ticket.events.get(kind="escalated").data


def test_the_ladder_says_who_was_skipped_and_who_the_next_level_would_reach(
    rotation, make_ticket, customer, teams, crew
):
    from escalation import ladder

    ana, ben, cem = crew[:3]
    Absence.objects.create(
        user=ana, start=berlin(2026, 6, 1), end=berlin(2026, 6, 2, 9), deputy=ben
    )
    sla_policy(None, response=HOUR, resolution=8 * HOUR)
    escalation_policy(
        [
            {"anchor": "created", "offset_seconds": 600, "notify": ["on_call"]},
            # Due Wed 3 Jun 09:10: cem's shift by then, and no one away.
            {"anchor": "created", "offset_seconds": 87900, "notify": ["on_call"]},
        ]
    )
    ticket = make_ticket(customer, team=teams["desk"], at=berlin(2026, 6, 2, 8, 45))
    run_engine(berlin(2026, 6, 2, 8, 55))
    found = ladder.ladder(ticket, berlin(2026, 6, 2, 9))
    assert found.past[0].notified == ["ben"]
    assert found.past[0].skipped == ["ana is away: ben told instead"]
    level_2 = [step for step in found.upcoming if step.title.startswith("Level 2")]
    assert [(step.notified, step.skipped) for step in level_2] == [(["cem"], [])]
