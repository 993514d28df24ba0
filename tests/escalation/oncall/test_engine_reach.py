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
    assert event.data["skipped"] == [{"user": ana.pk, "told_instead": ben.pk}]


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
