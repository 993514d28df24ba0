"""Property: the people's slots of work the keep_clocks reaction keeps (escalation/work.py)
equal a from-scratch recomputation from the events, and the agents report read from them
equals the report computed the old way, from the period's events (kept here as the oracle);
the days of sorted figures it keeps (escalation/ranks.py) equal a recomputation from the
clocks, and the SLA report's and trends' percentiles ranked from them equal those the
database (or Python) ranks from the clocks (reports/stats.py); each
after random sequences of acknowledgements, replies, notes, resolutions, reopenings,
assignments, team and priority changes by several people on several tickets, at instants
written out of order (past and future), a drill among them, over periods read in several
time zones, with team and priority filters and a lead's teams."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from escalation import ranks, work
from escalation.models import DayFigures, SLAPolicy, TicketClock, WorkSlot
from escalation.reports import ranks as ranks_read
from escalation.reports.agents import agents_report
from escalation.reports.sla import ROWS
from escalation.reports.stats import grouped
from escalation.reports.tickets import counted, counted_cells, drills
from escalation.reports.trends import BUCKETS, bucket_ends, bucket_of, buckets
from escalation.work import COLUMNS
from incidents import roles
from incidents.models import Ticket, TicketEvent
from incidents.models.lifecycle import TransitionError

from .reports.conftest import period
from .sla_setup import HOUR, office_calendar, sla_policy

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 27, 14, 0, tzinfo=UTC)  # Friday before Berlin's clocks change
ACTIONS = ["ack", "reply", "note", "resolve", "reopen", "assign", "move", "priority", "engine"]
PEOPLE = ["agent", "lead", "supervisor", "customer"]
STEP = st.tuples(
    st.integers(0, 2),  # which ticket
    st.sampled_from(ACTIONS),
    st.sampled_from(PEOPLE),
    st.integers(-3000, 3000),  # minutes from T0: written out of order
)
ZONES = ["UTC", "Europe/Berlin", "Asia/Kolkata"]


@pytest.fixture
def world(teams):
    """The Service Desk runs around the clock, Application Support on office hours: a move
    between them changes a ticket's time to acknowledge in business seconds."""
    sla_policy(None, response=4 * HOUR, resolution=16 * HOUR, priorities=("P3", "P2"))
    office = SLAPolicy.objects.create(name="Office", calendar=office_calendar())
    office.teams.add(teams["apps"])
    for priority in ("P2", "P3"):
        office.targets.create(
            priority=priority, first_response_seconds=HOUR, resolution_seconds=8 * HOUR
        )
    return teams


def act(ticket, action, person, people, teams, now):
    agentish = people["agent"] if person == "customer" else people[person]
    try:
        if action == "ack":
            ticket.acknowledge(agentish, at=now)
        elif action in ("reply", "note"):
            ticket.add_reply(people[person], "Any news?", internal=action == "note", at=now)
        elif action == "resolve":
            ticket.resolve(agentish, at=now)
        elif action == "reopen":
            ticket.reopen(people[person], at=now)
        elif action == "assign":
            ticket.assign(agentish, people["lead"], at=now)
        elif action in ("move", "engine"):
            back = teams["desk"] if ticket.team_id != teams["desk"].pk else teams["apps"]
            if action == "move":
                ticket.move_to_team(people["supervisor"], back, at=now)
                return
            # A level's reassignment: the engine's move, no one's work (escalation/actions.py).
            before = ticket.team_id
            Ticket.objects.filter(pk=ticket.pk).update(team=back)
            ticket.team = back
            ticket.record("team_changed", at=now, before={"team": before}, after={"team": back.pk})
        else:
            priority = "P2" if ticket.priority == "P3" else "P3"
            ticket.set_priority(agentish, priority, reason="why", at=now)
    except TransitionError:
        pass


@pytest.mark.long
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(STEP, max_size=16),
    drill=st.integers(0, 2),
    zone=st.sampled_from(ZONES),
    days=st.tuples(st.integers(-3, 3), st.integers(0, 3)),
)
def test_the_slots_days_and_reports_equal_a_recomputation(
    world, make_ticket, customer, agent, lead, supervisor, steps, drill, zone, days
):
    note(repr(steps))
    people = {"agent": agent, "lead": lead, "supervisor": supervisor, "customer": customer}
    with transaction.atomic():
        tickets = [
            make_ticket(customer, team=world["desk" if n else "apps"], at=T0 - timedelta(days=3))
            for n in range(3)
        ]
        Ticket.objects.filter(pk=tickets[drill].pk).update(drill=True)
        for which, action, person, minutes in steps:
            ticket = tickets[which]
            ticket.refresh_from_db()
            act(ticket, action, person, people, world, T0 + timedelta(minutes=minutes))
        assert kept_slots() == recomputed_slots()
        assert kept_days() == recomputed_days()
        first = T0.date() + timedelta(days=days[0])
        last = first + timedelta(days=days[1])
        with timezone.override(zone):
            for kwargs in (
                {},
                {"team": world["desk"]},
                {"priority": "P2"},
                {"readable": {world["apps"].pk}},
            ):
                for span in ((first, last), (date(2026, 3, 1), date(2026, 4, 30))):
                    chosen = period(str(span[0]), str(span[1]), **kwargs)
                    assert agents_report(chosen) == agents_report_from_events(chosen), kwargs
                    assert_ranked_as_the_clocks_rank(chosen)
            for day in range(-3, 4):  # each day alone: the work before it is another day's
                one = str(T0.date() + timedelta(days=day))
                chosen = period(one, one)
                assert agents_report(chosen) == agents_report_from_events(chosen), one
        transaction.set_rollback(True)


def test_a_day_written_between_two_moves_the_next_ones_previous(
    world, make_ticket, customer, agent
):
    """Work written at a past instant, between two kept slots, is the later slot's previous:
    the later day no longer counts the ticket as first handled there."""
    ticket = make_ticket(customer, team=world["desk"], at=T0 - timedelta(days=5))
    ticket.add_reply(agent, "Looking", internal=True, at=T0 - timedelta(days=3))
    ticket.add_reply(agent, "Still looking", internal=True, at=T0)
    on_the_day = period(str(T0.date()), str(T0.date()))
    before = period(str(T0.date() - timedelta(days=1)), str(T0.date()))
    assert agents_report(before)[0]["handled"] == 1
    ticket.add_reply(agent, "Found it", internal=True, at=T0 - timedelta(days=1))
    assert agents_report(before)[0]["handled"] == 1  # two days of work, one ticket
    assert agents_report(on_the_day)[0]["handled"] == 1
    assert kept_slots() == recomputed_slots()


def test_a_reopening_undoes_the_resolutions_in_the_slots_before_its_own(
    world, make_ticket, customer, agent
):
    """Only the reopening's quarter-hour is rewritten; the agent's resolution two hours before
    is counted reopened all the same."""
    ticket = make_ticket(customer, team=world["desk"], at=T0 - timedelta(days=1))
    ticket.resolve(agent, at=T0)
    assert WorkSlot.objects.get(agent=agent).reopened == 0
    ticket.reopen(customer, at=T0 + timedelta(hours=2))
    resolved = WorkSlot.objects.get(agent=agent)
    assert (resolved.resolutions, resolved.reopened) == (1, 1)
    assert kept_slots() == recomputed_slots()


def test_a_change_made_now_reads_the_work_of_its_own_quarter_hour(
    world, make_ticket, customer, agent, lead, monkeypatch
):
    """A ticket's earlier work is not read again: a long incident's hundreds of events cost a
    new note nothing (the slots before it and each person's last one are kept)."""
    ticket = make_ticket(customer, team=world["desk"], at=T0 - timedelta(days=5))
    for hour in range(40):
        ticket.add_reply(agent, "Update", internal=True, at=T0 - timedelta(hours=40 - hour))
    read = []
    real_slots = work.slots
    monkeypatch.setattr(work, "slots", lambda *args: read.append(len(args[1])) or real_slots(*args))
    ticket.add_reply(lead, "Taking over", internal=True, at=T0)
    ticket.add_reply(agent, "Thanks", internal=True, at=T0 + timedelta(minutes=5))
    assert read == [1, 2]  # each change: the events of T0's quarter-hour
    assert WorkSlot.objects.get(agent=agent, slot=work.slot_of(T0)).previous_slot == (
        work.slot_of(T0 - timedelta(hours=1))
    )
    assert kept_slots() == recomputed_slots()


def kept_days():
    """{(day, team, priority): [each time's values]} of the days of sorted figures, the empty
    ones left out (a day its last ticket left stays, empty)."""
    found = {}
    for row in DayFigures.objects.all():
        values = [list(ranks.unpack(bytes(getattr(row, name)))) for name in ranks.TIMES]
        if any(values):
            found[row.day, row.team, row.priority] = values
    return found


def recomputed_days():
    """The same from every clock: by its deadline's UTC day, team (0 for none) and priority."""
    found = {}
    for clock in TicketClock.objects.all():
        times = [getattr(clock, name) for name in ranks.TIMES]
        if clock.deadline is None or times == [None] * len(times):
            continue
        key = (clock.deadline.astimezone(UTC).date(), clock.team_id or 0, clock.priority)
        of_day = found.setdefault(key, [[] for _ in times])
        for values, value in zip(of_day, times, strict=True):
            if value is not None:
                values.append(value)
    return {key: [sorted(values) for values in of_day] for key, of_day in found.items()}


def assert_ranked_as_the_clocks_rank(chosen):
    """The SLA report's and the trends' groupings, per team and priority and per bucket of the
    period, ranked from the days equal those ranked from the clocks."""
    starts, step = buckets(chosen)
    tickets = counted(chosen).annotate(bucket=bucket_of("deadline", starts, step))
    groupings = {"rows": ROWS, "buckets": BUCKETS}
    cells = counted_cells(T0)
    from_days = ranks_read.grouped(
        tickets, chosen, groupings, cells, bucket_ends(starts, step), by_days=True
    )
    assert from_days == grouped(tickets, groupings, cells)


def kept_slots():
    return sorted(WorkSlot.objects.values_list(*COLUMNS))


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def recomputed_slots():
    """Every slot worked out from every event, without the reaction's code: each person's
    work per ticket and quarter-hour, their quarter-hour of work on it before, and the
    resolutions a later reopening of the ticket undid."""
    events = list(TicketEvent.objects.values_list("ticket_id", "kind", "actor_id", "at", "data"))
    last_reopening = {}
    for ticket_id, kind, _actor, at, data in events:
        if kind == "status_changed" and data.get("reopened") is True:
            last_reopening[ticket_id] = max(at, last_reopening.get(ticket_id, at))
    work = TicketEvent.objects.filter(kind__in=OLD_WORK, actor__isnull=False)
    cells = {}
    for event in work:
        key = (event.ticket_id, event.actor_id, int((event.at - EPOCH).total_seconds() // 900))
        cell = cells.setdefault(key, [0, 0, 0])
        cell[0] += event.kind == "acknowledged"
        if event.kind == "status_changed" and event.after.get("status") == "resolved":
            cell[1] += 1
            cell[2] += event.at < last_reopening.get(event.ticket_id, event.at)
    clocks = {
        c.ticket_id: (c.acknowledge_seconds, c.acknowledge_wall_seconds)
        for c in TicketClock.objects.all()
    }
    rows = []
    for (ticket_id, actor, slot), (acks, resolutions, reopened) in cells.items():
        earlier = [s for (t, a, s) in cells if (t, a) == (ticket_id, actor) and s < slot]
        times = clocks[ticket_id] if acks else (None, None)
        rows.append(
            (ticket_id, actor, slot, max(earlier, default=None), acks, resolutions, reopened)
            + times
        )
    return sorted(rows)


# The agents report as main computed it until issue 26's slots: from the period's events.
OLD_WORK = [
    TicketEvent.Kind.REPLIED,
    TicketEvent.Kind.NOTE_ADDED,
    TicketEvent.Kind.ACKNOWLEDGED,
    TicketEvent.Kind.STATUS_CHANGED,
    TicketEvent.Kind.ASSIGNED,
    TicketEvent.Kind.TEAM_CHANGED,
    TicketEvent.Kind.PRIORITY_CHANGED,
    TicketEvent.Kind.ESCALATED,
]
RESOLVED = Q(kind=TicketEvent.Kind.STATUS_CHANGED, after__status="resolved")


def agents_report_from_events(period):
    events = TicketEvent.objects.filter(kind__in=OLD_WORK, at__gte=period.start, at__lt=period.end)
    events = period.narrow(events.exclude(drills("ticket")), ticket="ticket", drills=False)
    events = events.order_by()
    found = events.values("actor", "actor__username").annotate(
        handled=Count("ticket", distinct=True),
        first_responses=Count("pk", filter=Q(kind=TicketEvent.Kind.ACKNOWLEDGED)),
        resolved=Count("pk", filter=RESOLVED),
    )
    later = TicketEvent.objects.filter(
        kind=TicketEvent.Kind.STATUS_CHANGED,
        data__reopened=True,
        ticket=OuterRef("ticket"),
        at__gt=OuterRef("at"),
    )
    reopens = events.filter(RESOLVED).filter(Exists(later)).values("actor").annotate(n=Count("pk"))
    reopened = {row["actor"]: row["n"] for row in reopens}
    asks = {
        "business": ("ticket__sla_clock__acknowledge_seconds", (0.5,)),
        "wall": ("ticket__sla_clock__acknowledge_wall_seconds", (0.5,)),
    }
    acknowledged = events.filter(kind=TicketEvent.Kind.ACKNOWLEDGED)
    medians = grouped(acknowledged, {"agents": (("actor",), asks)})["agents"]
    desk = set(roles.desk_people().values_list("pk", flat=True))
    rows = []
    for row in found:
        if row["actor"] not in desk:
            continue
        median = medians.get((row["actor"],), {"business": [None], "wall": [None]})
        resolved, undone = row["resolved"], reopened.get(row["actor"], 0)
        rows.append(
            {
                "agent": row["actor"],
                "agent_name": row["actor__username"],
                "handled": row["handled"],
                "first_responses": row["first_responses"],
                "first_response_median_seconds": median["business"][0],
                "first_response_median_wall_seconds": median["wall"][0],
                "resolved": resolved,
                "reopened": undone,
                "reopen_rate": round(undone / resolved, 3) if resolved else None,
            }
        )
    return sorted(rows, key=lambda r: (r["agent_name"], r["agent"]))
