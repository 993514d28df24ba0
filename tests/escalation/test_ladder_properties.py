"""Property: over random moves, priority changes, pauses, acknowledgements, resolutions and
reopens at random instants, with an engine that runs at every due time,

* every entry the desk shows as to come has a firing the engine then fires, on time;
* nothing is left "due now" once the engine has run;
* no (ticket, policy, level, repeat) fires twice, and no level fires late unless it fell due
  while the ticket stood still (paused or resolved): a move never fires the past."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from escalation import ladder
from escalation.clock_state import STANDING
from escalation.models import Firing
from incidents.models import TicketEvent
from incidents.models.lifecycle import TransitionError

from .sla_setup import HOUR, escalation_policy, run_engine, sla_policy

pytestmark = pytest.mark.django_db

T0 = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)
MINUTE = 60
WAITING = (Firing.State.PENDING, Firing.State.CLAIMED)


def lvl(anchor, offset, **fields):
    return {"anchor": anchor, "offset_seconds": offset, "notify": ["team_leads"], **fields}


@pytest.fixture
def world(teams, lead, supervisor):
    sla = sla_policy(None, response=2 * HOUR, resolution=8 * HOUR, priorities=("P3",))
    for priority, response, resolution in (("P1", 1, 4), ("P2", 1.5, 6), ("P4", 4, 16)):
        sla.targets.create(
            priority=priority,
            first_response_seconds=int(response * HOUR),
            resolution_seconds=resolution * HOUR,
        )
    desk = escalation_policy(
        [
            lvl("created", 30 * MINUTE),
            lvl("response_due", -15 * MINUTE),
            lvl("resolution_due", -HOUR, set_priority="P2"),
        ],
        name="Desk ladder",
    )
    desk.teams.set([teams["desk"]])
    apps = escalation_policy(
        [
            lvl("created", 20 * MINUTE),
            lvl("response_due", 0),
            lvl("resolution_due", -30 * MINUTE, reassign_to=teams["eng"]),
        ],
        repeat=2,
        interval=20 * MINUTE,
        name="Apps ladder",
    )
    apps.teams.set([teams["apps"]])
    escalation_policy([lvl("created", 2 * HOUR), lvl("resolution_due", 0)], name="Everyone else")
    return {"teams": teams, "supervisor": supervisor}


ACTIONS = st.one_of(
    st.tuples(st.just("move"), st.sampled_from(["desk", "apps", "eng"])),
    st.tuples(st.just("priority"), st.sampled_from(["P1", "P2", "P3", "P4"])),
    st.tuples(st.sampled_from(["pause", "resume", "ack", "resolve", "reopen"]), st.none()),
)
STEPS = st.lists(st.tuples(st.integers(1, 150), ACTIONS), min_size=1, max_size=8)


def act(ticket, action, argument, world, now):
    who = world["supervisor"]
    try:
        if action == "move":
            ticket.move_to_team(who, world["teams"][argument], at=now)
        elif action == "priority":
            ticket.set_priority(who, argument, at=now, reason="drill")
        elif action == "pause":
            ticket.change_status(who, "pending", at=now)
        elif action == "resume":
            ticket.change_status(who, "open", at=now)
        elif action == "ack":
            ticket.acknowledge(who, at=now)
        elif action == "resolve":
            ticket.resolve(who, at=now)
        else:
            ticket.reopen(who, at=now)
    except TransitionError:
        pass


def engine_until(ticket, now, clock):
    """A perfect engine: it runs at every due time up to `now`, in order, and never goes back
    in time (`clock`: when it last ran), so a firing planted with a due time already past is
    fired late."""
    while True:
        due = (
            Firing.objects.filter(ticket=ticket, state__in=WAITING, due_at__lte=now)
            .order_by("due_at")
            .values_list("due_at", flat=True)
            .first()
        )
        if due is None:
            clock[0] = max(clock[0], now)
            return
        clock[0] = max(clock[0], due)
        run_engine(clock[0])


def standing_spans(ticket, end):
    """[start, end) spans in which the ticket was pending, on hold, resolved or closed."""
    spans, since = [], None
    for at, after in ticket.events.filter(kind="status_changed").values_list("at", "after"):
        standing = after["status"] in STANDING
        if standing and since is None:
            since = at
        elif not standing and since is not None:
            spans.append((since, at))
            since = None
    return spans + ([(since, end)] if since is not None else [])


def check_what_is_to_come(ticket, now):
    ticket.refresh_from_db()
    steps = ladder.ladder(ticket, now)
    to_come = [s for s in steps.upcoming if s.when != "held"]
    assert not [s for s in to_come if s.when == "due now"], "left due after the engine ran"
    if not to_come:
        return
    first = min(to_come, key=lambda s: s.at)
    with transaction.atomic():
        run_engine(first.at)
        row = Firing.objects.get(key=first.key)
        assert row.state == Firing.State.FIRED, (first, row.state)
        assert row.late is False
        transaction.set_rollback(True)


@pytest.mark.long
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=STEPS)
def test_what_the_desk_shows_to_come_fires_and_nothing_fires_twice_or_late(
    world, make_ticket, customer, steps
):
    note(repr(steps))
    with transaction.atomic():
        ticket = make_ticket(customer, team=world["teams"]["desk"], at=T0)
        now, clock = T0, [T0]
        engine_until(ticket, now, clock)
        check_what_is_to_come(ticket, now)
        for minutes, (action, argument) in steps:
            now += timedelta(minutes=minutes)
            engine_until(ticket, now, clock)
            check_what_is_to_come(ticket, now)
            ticket.refresh_from_db()
            act(ticket, action, argument, world, now)
            engine_until(ticket, now, clock)
            check_what_is_to_come(ticket, now)
        engine_until(ticket, now + timedelta(days=3), clock)

        fired = list(
            Firing.objects.filter(ticket=ticket, state=Firing.State.FIRED).values_list(
                "key", "kind", "late", "pk"
            )
        )
        levels = [key for key, kind, _, _ in fired if kind == "level"]
        assert len(levels) == len(set(levels))
        assert all(key.count(":") == 3 for key in levels)
        # A level comes late only if it fell due while the ticket stood still (paused or
        # resolved): it fires when the ticket runs again. (A breach may be recorded late: a
        # priority raise can put its new deadline behind us.)
        standing = standing_spans(ticket, now + timedelta(days=3))
        late = Firing.objects.filter(ticket=ticket, state="fired", kind="level", late=True)
        assert [f.key for f in late if not any(a <= f.due_at < b for a, b in standing)] == []
        # Each firing acted once: one escalated (or breached) event per fired row.
        events = TicketEvent.objects.filter(ticket=ticket, kind__in=["escalated", "breached"])
        assert sorted(e.data["firing"] for e in events if "firing" in e.data) == sorted(
            pk for *_, pk in fired
        )
        transaction.set_rollback(True)
