"""Keeping a ticket's SLA state in step: its clock, its due-time columns and its firing rows.

The clock's rules are `TicketClock`'s methods, the arithmetic business_time's and the planning
planner's; this module moves their answers in and out of rows across the three models. Every
function takes `now` (an event's time), never reads the wall clock."""

from collections import Counter

from django.db.models import F

from dbtools import rows
from incidents.models import Ticket, TicketEvent
from notifications import outbox

from . import actions, planner, ranks
from .models import Firing, TicketClock
from .models.firings import HOLDING
from .moves import move_reason


def refresh(ticket, now, refreeze=False, created=False, moved=""):
    """Bring the clock, the ticket's due times and its planned firings up to date."""
    moves = {ticket.pk: moved} if moved else None
    return refresh_many([ticket], now, refreeze=refreeze, created=created, moved=moves)[0]


def refresh_many(tickets, now, refreeze=False, created=False, clocks=None, moved=None):
    """`refresh` for many tickets in a constant number of queries (the engine re-plans every
    ticket a batch of firings moved at once). `created`: the tickets are new, so they have no
    clock and no firing yet and none is read. `clocks`: the tickets' clocks by ticket id, when
    the caller has read them already (in this transaction). `moved`: {ticket id: why} for the
    tickets whose team or priority changed at `now` ("the ticket moved to Database"): the levels
    of their new plan due by then are passed over, never fired (SPEC "Moves keep the ladder
    honest")."""
    if created:
        clocks = {}
    elif clocks is None:
        clocks = {c.ticket_id: c for c in TicketClock.objects.filter(ticket__in=tickets)}
    else:
        clocks = {t.pk: clocks[t.pk] for t in tickets if t.pk in clocks}
    terms, new_clocks = {}, []
    for ticket in tickets:
        clock = clocks.get(ticket.pk)
        prepared = _prepared(ticket, now) if created else None
        if clock is None:
            clock = clocks[ticket.pk] = prepared or TicketClock(frozen_at=now)
            clock.ticket = ticket
            new_clocks.append(clock)
        freezes = clock.pk is None or refreeze
        if freezes and prepared is None:  # a prepared clock was frozen at `now` already
            clock.freeze(ticket, now, terms=terms)
        if freezes and clock.problem:
            tell_supervisors_of_calendar(clock, ticket)
        if prepared is None:
            clock.account_pause(ticket.status, ticket.created_at, now)
    fresh = {id(clock) for clock in new_clocks}
    _save_clocks([c for c in clocks.values() if id(c) not in fresh], refreeze)
    _write_due_times(tickets, clocks)
    days = _write_figures(tickets, clocks, now)
    # The row writer, not bulk_create, which built and compiled its INSERT afresh for every
    # ticket opened: a twentieth of an API create (docs/benchmarks.md "Seventh pass"). After
    # the figures, so a new clock is written with them in its one INSERT.
    rows.insert_objects(TicketClock, new_clocks)
    if days:  # after every clock is written: the days are rebuilt from them
        ranks.keep(days)
    planned = [(t, clocks[t.pk].planned_firings(t)) for t in tickets]
    # When each ticket's terms were last frozen again by a move (frozen_at at creation is not).
    moved_at = {
        t.pk: clocks[t.pk].frozen_at for t in tickets if clocks[t.pk].frozen_at > t.created_at
    }
    reconcile_many(planned, now, created, moved=moved, moved_at=moved_at)
    return [clocks[t.pk] for t in tickets]


def prepare(ticket, now):
    """Freeze the clock of a ticket about to be written and set its due-time columns, so they go
    in with its INSERT; the `created` refresh_many then writes this clock (same instant) and
    finds the columns current, with no UPDATE of the new row."""
    clock = TicketClock(frozen_at=now)
    clock.freeze(ticket, now)
    clock.account_pause(ticket.status, ticket.created_at, now)
    _due_values(ticket, clock)
    ticket._prepared_clock = (now, clock)


def _prepared(ticket, now):
    """The clock `prepare` froze for this new ticket at `now`, taken once; else None."""
    at, clock = ticket.__dict__.pop("_prepared_clock", (None, None))
    return clock if at == now else None


def _save_clocks(clocks, refreeze):
    """One update per distinct set of values: clocks re-frozen together share their terms."""
    groups = {}
    for clock in clocks:
        terms = (clock.sla_policy_id, clock.policy_key, clock.frozen_at) if refreeze else ()
        key = (terms, *(getattr(clock, name) for name in PAUSE_FIELDS))
        groups.setdefault(key, []).append(clock)
    fields = FROZEN_FIELDS + PAUSE_FIELDS if refreeze else PAUSE_FIELDS
    for group in groups.values():
        # Same policy ids, same instant: the same copies (see TicketClock.freeze's `terms`).
        for same_terms in _split_by_values(group, fields):
            values = {name: getattr(same_terms[0], name) for name in fields}
            TicketClock.objects.filter(pk__in=[c.pk for c in same_terms]).update(**values)


def _split_by_values(clocks, fields):
    split = []
    for clock in clocks:
        for group in split:
            if all(getattr(group[0], f) == getattr(clock, f) for f in fields):
                group.append(clock)
                break
        else:
            split.append([clock])
    return split


PAUSE_FIELDS = [
    "paused_microseconds",
    "paused_since",
    "stood_microseconds",
    "stood_wall_microseconds",
]
FROZEN_FIELDS = [
    "sla_policy_id",
    "sla_policy_name",
    "sla_policy_version",
    "calendar",
    "response_target_seconds",
    "resolution_target_seconds",
    "policy",
    "policy_key",
    "frozen_at",
]


def _write_due_times(tickets, clocks):
    """Copy the clocks' due times to the ticket columns the queues sort by, where they moved."""
    moved = [ticket for ticket in tickets if _due_values(ticket, clocks[ticket.pk])]
    rows.update_each(
        Ticket,
        {ticket.pk: {name: getattr(ticket, name) for name in DUE_FIELDS} for ticket in moved},
    )


DUE_FIELDS = ["response_due_at", "resolution_due_at", "sla_paused_at"]


def _due_values(ticket, clock):
    """Set the ticket's due-time columns from its clock; True when one of them moved."""
    response, resolution = clock.due_times(ticket.created_at)
    # Since when the resolution clock stands still (paused, or stopped by the resolution):
    # clock_state reads it for every standing status.
    fields = {
        "response_due_at": response,
        "resolution_due_at": resolution,
        "sla_paused_at": clock.paused_since,
    }
    if all(getattr(ticket, name) == value for name, value in fields.items()):
        return False
    for name, value in fields.items():
        setattr(ticket, name, value)
    return True


def _write_figures(tickets, clocks, now):
    """Keep each clock's report figures and copies (escalation/figures.py) where they changed:
    in one statement, and none when nothing moved (an escalation, a repeat); a new clock only
    takes them, for its INSERT. Returns the days of sorted figures (ranks.py) to rebuild: those
    a clock's times or their day moved out of or into."""
    changed, days = {}, set()
    for ticket in tickets:
        clock = clocks[ticket.pk]
        found = clock.report_figures(ticket, now)
        if any(getattr(clock, name) != value for name, value in found.items()):
            before = ranks.counted_as(clock)
            for name, value in found.items():
                setattr(clock, name, value)
            days |= ranks.moved_days(before, ranks.counted_as(clock))
            if clock.pk is not None:
                changed[clock.pk] = found
    rows.update_each(TicketClock, changed)
    return days


def count_escalations(ticket_ids):
    """Add each escalation (a ticket id per escalation that counts) to its ticket's clock: one
    statement per distinct number added."""
    added = Counter(ticket_ids)
    by_number = {}
    for ticket_id, n in added.items():
        by_number.setdefault(n, []).append(ticket_id)
    for n, ids in by_number.items():
        TicketClock.objects.filter(ticket_id__in=ids).update(escalations=F("escalations") + n)


def reconcile_many(planned, now, created=False, moved=None, moved_at=None):
    """Make the tickets' firing rows match their plans: create, hold, release, cancel or pass
    over; one read, one insert, one update per kind of change. `moved` as in refresh_many;
    `moved_at`: {ticket id: when its terms were last frozen again by a move}."""
    existing = {}
    if not created:
        existing = Firing.objects.filter(ticket__in=[t for t, _ in planned])
        existing = {f.key: f for f in existing.values_list(*MOVED_FIELDS, named=True)}
    rows_of = {}
    for row in existing.values():
        rows_of.setdefault(row.ticket_id, []).append(row)
    new_rows, moves = [], []
    for ticket, plans in planned:
        wanted = {p.key: p for p in plans}
        change = _Change(
            ticket, now, (moved or {}).get(ticket.pk, ""), (moved_at or {}).get(ticket.pk)
        )
        new_rows += [
            row
            for key, p in wanted.items()
            if key not in existing and (row := change.new_row(p)) is not None
        ]
        moves += [move for row in rows_of.get(ticket.pk, []) if (move := change.move(row, wanted))]
    rows.insert(Firing, new_rows, skip_conflicts=True)
    _move_all(moves, now)


# What _Change.move reads of a firing row (as a named tuple: a burst re-plans thousands of rows).
MOVED_FIELDS = (
    "pk",
    "ticket_id",
    "key",
    "kind",
    "anchor",
    "state",
    "due_at",
    "anchor_at",
    "outcome",
)
# Rows no re-plan touches again: they happened, or a later repeat was sent in their place.
FINAL = (Firing.State.FIRED, Firing.State.SKIPPED)
# Rows that will fire when their time comes.
WAITING = (Firing.State.PENDING, Firing.State.CLAIMED, Firing.State.HELD)


class _Change:
    """How one ticket's re-plan at `now` moves its firing rows. `moved`: why its team or
    priority changed at `now`, or "" when neither did; `moved_at`: when its terms were last
    frozen again by a move (now, or earlier), or None."""

    def __init__(self, ticket, now, moved, moved_at=None):
        self.ticket, self.now, self.moved = ticket, now, moved
        self.moved_at = now if moved else moved_at
        self.holding = ticket.status in HOLDING

    def new_row(self, plan):
        """The values of a new row for `plan`, or None when it is not worth planting."""
        if self.passes_over(plan, None):
            return firing_row(self.ticket, plan, self.now, self.holding, _PASSED, self.why())
        if planner.is_moot(plan, self.now):
            return None
        return firing_row(self.ticket, plan, self.now, self.holding)

    def passes_over(self, plan, row):
        """A level due by the ticket's latest move is passed over, never fired: planned at the
        move, or later (the ticket moved while resolved, and was reopened). Unless its row was
        owed already (overdue and waiting: after downtime it still fires once, late). A move is
        not downtime."""
        if self.moved_at is None or plan.kind != Firing.Kind.LEVEL:
            return False
        if plan.due_at > self.moved_at:
            return False
        return row is None or not (row.state in WAITING and row.due_at <= self.now)

    def move(self, row, wanted):
        """(row, state, due_at, anchor_at, outcome or None) the row should move to, or None."""
        if row.state in FINAL:
            return None
        plan = wanted.get(row.key)
        if plan is None:
            if row.state in (Firing.State.CANCELLED, _PASSED):
                return None
            why = self.moved or cancelled_because(row, self.ticket)
            return row, Firing.State.CANCELLED, row.due_at, row.anchor_at, self.why(why)
        if self.passes_over(plan, row):
            if row.state == _PASSED:
                return None
            return row, _PASSED, plan.due_at, plan.anchor_at, self.why()
        if row.state == _PASSED and plan.due_at <= self.now:
            return None  # passed over, and not due again later: it stays so
        state = _state_for(plan, self.holding)
        if row.state == Firing.State.CLAIMED and state == Firing.State.PENDING:
            state = Firing.State.CLAIMED  # a worker has it; it re-checks the plan before acting
        due_at = plan.due_at
        if state in WAITING and row.state in WAITING and (row.outcome or {}).get("rescheduled"):
            # Brought forward or held for a shift (escalation.fallthrough): it keeps its own
            # time while it still waits.
            due_at = row.due_at
        if row.state != state or row.due_at != due_at or row.anchor_at != plan.anchor_at:
            return row, state, due_at, plan.anchor_at, None
        return None

    def why(self, text=None):
        if text is None and not self.moved:
            return {"why": self._earlier_move(), "at": self.moved_at.isoformat()}
        return {"why": text or self.moved, "at": self.now.isoformat()}

    def _earlier_move(self):
        """Why the ticket's terms were frozen at `moved_at`, read from its events (only when
        a level of that move is planned later, as on a reopen)."""
        event = (
            TicketEvent.objects.filter(
                ticket_id=self.ticket.pk,
                kind__in=[TicketEvent.Kind.TEAM_CHANGED, TicketEvent.Kind.PRIORITY_CHANGED],
                at=self.moved_at,
            )
            .order_by("id")
            .first()
        )
        return move_reason(event.kind, self.ticket, event.data) if event else "the ticket moved"


_PASSED = Firing.State.PASSED


def cancelled_because(row, ticket):
    """Why the plan no longer wants `row`, in words for the ladder (escalation.ladder)."""
    if ticket.status in ("resolved", "closed"):
        return f"the ticket was {ticket.status}"
    if row.anchor == "resolution_due" and ticket.status in HOLDING:
        return "the resolution clock was paused"
    if row.anchor != "resolution_due" and ticket.acknowledged_at is not None:
        return "the ticket was acknowledged"
    return "the ticket's escalation policy changed"


def _state_for(plan, holding):
    # Nothing fires while the ticket is paused, except recording a breach that already happened.
    if holding and plan.kind == "level":
        return Firing.State.HELD
    return Firing.State.PENDING


def _move_all(moves, now):
    """Conditional updates, one per (state read, state wanted, why): never touches a row a
    worker fired in the meantime. Only rows whose due time moved need a per-row value."""
    groups = {}
    for move in moves:
        row, state, due_at, anchor_at, outcome = move
        timed = due_at != row.due_at or anchor_at != row.anchor_at
        why = outcome["why"] if outcome else None
        groups.setdefault((row.state, state, timed, why), []).append(move)
    for (read, state, timed, _why), group in groups.items():
        same = {"state": state}
        if group[0][4] is not None:
            same["outcome"] = group[0][4]
        if timed:
            times = {
                row.pk: {"due_at": due, "anchor_at": anchor} for row, _, due, anchor, _ in group
            }
            rows.update_each(Firing, times, same=same, where={"state": read})
        else:
            keys = [m[0].pk for m in group]
            rows.update_all(Firing, keys, same, where={"state": read})


def firing_row(ticket, plan, now, holding, state=None, outcome=None):
    """A new firing row's values (see dbtools.rows.insert)."""
    return {
        "ticket_id": ticket.pk,
        "key": plan.key,
        "kind": plan.kind,
        "level": plan.level,
        "repeat": plan.repeat,
        "anchor": plan.anchor,
        "anchor_at": plan.anchor_at,
        "due_at": plan.due_at,
        "actions": plan.actions,
        "state": state or _state_for(plan, holding),
        "created_at": now,
        "outcome": outcome or NO_OUTCOME,
    }


NO_OUTCOME = {}  # shared by every new row (rows.insert adapts each distinct object once)


def tell_supervisors_of_calendar(clock, ticket):
    """A frozen calendar that never opens: the supervisors hear of it once per calendar (the
    outbox key is the calendar's), not once per ticket, and the ticket saves all the same."""
    calendar = clock.calendar or {}
    # Kept as facts and worded when the mail is rendered, in each supervisor's language.
    facts = {"calendar_never_opens": calendar.get("name", "?")}
    outbox.notify_users(
        "sla_warning",
        ticket,
        actions.recipients(ticket, ["supervisors"], []),
        key=f"calendar:{calendar.get('id')}:never-opens",
        context=facts,
        force=True,
    )
