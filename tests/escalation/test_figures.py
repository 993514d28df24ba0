"""Property: the report figures a clock keeps (escalation/figures.py), maintained event by
event by the keep_clocks reaction, equal a from-scratch recomputation from the ticket's
events after random sequences of acknowledgements, pauses, resolutions, reopenings, priority
changes, team moves and manual escalations at random instants on an office calendar (nights,
weekends, a DST change); and so do the copies a report counts the ticket by and the count
of its escalations."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from escalation import figures
from escalation.models import TicketClock
from escalation.models.calendars import calendar_from_snapshot
from escalation.reactions import MOVES_CLOCKS, REFREEZES
from escalation.reports.tickets import ESCALATION
from incidents.models import TicketEvent
from incidents.models.lifecycle import TransitionError

from .sla_setup import HOUR, office_calendar, sla_policy

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 27, 14, 0, tzinfo=UTC)  # Friday before Berlin's clocks change
ACTIONS = st.sampled_from(
    ["ack", "pending", "on_hold", "open", "resolve", "reopen", "reply", "priority", "move"]
    + ["escalate"]
)
STEPS = st.lists(st.tuples(st.integers(1, 3000), ACTIONS), max_size=12)


@pytest.fixture
def world(teams):
    sla_policy(office_calendar(), response=4 * HOUR, resolution=16 * HOUR, priorities=("P3", "P2"))
    return teams


def act(ticket, action, agent, customer, now, supervisor=None, teams=None):
    try:
        if action == "move":
            back = teams["desk"] if ticket.team_id != teams["desk"].pk else teams["apps"]
            ticket.move_to_team(supervisor, back, at=now)
            return
        if action == "escalate":
            ticket.escalate(supervisor, "Needs the next tier", at=now)
            return
        if action == "ack":
            ticket.acknowledge(agent, at=now)
        elif action in ("pending", "on_hold", "open"):
            ticket.change_status(agent, action, at=now)
        elif action == "resolve":
            ticket.resolve(agent, at=now)
        elif action == "reopen":
            ticket.reopen(agent, at=now)
        elif action == "reply":
            ticket.add_reply(customer, "Any news?", at=now)
        else:
            ticket.set_priority(
                agent, "P2" if ticket.priority == "P3" else "P3", reason="why", at=now
            )
    except TransitionError:
        pass


def recomputed(ticket, clock, now):
    """The figures worked out afresh: every stretch the ticket's status stood still (pending,
    on hold, resolved) and then ran again, summed from its events, in the clock's calendar."""
    calendar = calendar_from_snapshot(clock.calendar)
    changes = ticket.events.filter(kind=TicketEvent.Kind.STATUS_CHANGED).order_by("at", "id")
    stood = figures.stood_from([(e.at, e.after["status"]) for e in changes], calendar)
    assert stood == (clock.stood_microseconds, clock.stood_wall_microseconds)
    return figures.figures(ticket, calendar, *stood, now)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_the_clock_keeps_what_a_recomputation_finds(
    world, make_ticket, customer, agent, supervisor, steps
):
    note(repr(steps))
    with transaction.atomic():
        ticket = make_ticket(customer, team=world["desk"], at=T0)
        now = T0
        for minutes, action in steps:
            now += timedelta(minutes=minutes)
            ticket.refresh_from_db()
            act(ticket, action, agent, customer, now, supervisor, world)
        ticket.refresh_from_db()
        clock = TicketClock.objects.get(ticket=ticket)
        # The figures stand as of the last change that moved a clock (a reply alone moves
        # none); a report adds the deadlines passed since (reports.tickets.missed_by).
        moving = ticket.events.filter(kind__in=MOVES_CLOCKS | REFREEZES)
        last = moving.order_by("-at", "-id").first().at
        kept = {name: getattr(clock, name) for name in figures.FIELDS}
        found = recomputed(ticket, clock, last)
        assert kept == found
        # The copies a report counts it by: from the ticket's columns and the figures.
        copies = {name: getattr(clock, name) for name in figures.COPIES}
        assert copies == figures.copies(ticket, found)
        # Its escalations: the escalated events that count, by the reports' SQL rule.
        escalations = ticket.events.filter(ESCALATION, kind=TicketEvent.Kind.ESCALATED)
        assert clock.escalations == escalations.count()
        transaction.set_rollback(True)


def test_figures_by_hand(world, make_ticket, customer, agent):
    # Friday 15:00 Berlin, acknowledged Monday 10:00 (2 + 1 business hours), pending Monday
    # 11:00 to Tuesday 09:00 (6 business hours), resolved Tuesday 12:00 (13 - 6 = 7 hours).
    ticket = make_ticket(customer, team=world["desk"], at=datetime(2026, 3, 6, 14, tzinfo=UTC))
    ticket.acknowledge(agent, at=datetime(2026, 3, 9, 9, tzinfo=UTC))
    ticket.change_status(agent, "pending", at=datetime(2026, 3, 9, 10, tzinfo=UTC))
    ticket.change_status(agent, "open", at=datetime(2026, 3, 10, 8, tzinfo=UTC))
    ticket.resolve(agent, at=datetime(2026, 3, 10, 11, tzinfo=UTC))
    clock = TicketClock.objects.get(ticket=ticket)
    assert (clock.acknowledge_seconds, clock.acknowledge_wall_seconds) == (3 * HOUR, 67 * HOUR)
    assert (clock.resolve_seconds, clock.resolve_wall_seconds) == (7 * HOUR, 71 * HOUR)
    # Response due Mon 11:00 Berlin: met; resolution 16h + 6h paused: Wed 13:00: met.
    assert (clock.response_outcome, clock.resolution_outcome) == ("met", "met")


@pytest.mark.parametrize(
    "data",
    [
        {"manual": True, "reason": "why"},
        {"warning": False, "repeat": 0, "level": 1},
        {"warning": True, "repeat": 0, "level": 1},
        {"warning": False, "repeat": 1, "level": 1},
        {"warning": False, "repeat": False, "level": 1},
        {},
    ],
)
def test_an_escalation_counts_by_one_rule_in_python_and_sql(make_ticket, customer, teams, data):
    # The clock counts escalations as they happen (figures.counts_as_escalation); the migration
    # that filled older clocks, and this test's recomputation, use the SQL rule.
    ticket = make_ticket(customer, team=teams["desk"], at=T0)
    event = ticket.record("escalated", at=T0 + timedelta(minutes=5), **data)
    in_sql = TicketEvent.objects.filter(ESCALATION, pk=event.pk).exists()
    assert figures.counts_as_escalation(event.data) is in_sql
    kept = TicketClock.objects.get(ticket=ticket).escalations
    assert kept == (1 if in_sql else 0)
