"""Keeping a ticket's SLA state in step: its clock, its due-time columns and its firing rows.

The clock's rules are `TicketClock`'s methods, the arithmetic business_time's and the planning
planner's; this module moves their answers in and out of rows across the three models. Every
function takes `now` (an event's time), never reads the wall clock."""

from incidents import rows
from incidents.models import Ticket
from notifications import outbox

from . import actions, planner
from .models import Firing, TicketClock
from .models.firings import HOLDING


def refresh(ticket, now, refreeze=False, created=False):
    """Bring the clock, the ticket's due times and its planned firings up to date."""
    return refresh_many([ticket], now, refreeze=refreeze, created=created)[0]


def refresh_many(tickets, now, refreeze=False, created=False, clocks=None):
    """`refresh` for many tickets in a constant number of queries (the engine re-plans every
    ticket a batch of firings moved at once). `created`: the tickets are new, so they have no
    clock and no firing yet and none is read. `clocks`: the tickets' clocks by ticket id, when
    the caller has read them already (in this transaction)."""
    if created:
        clocks = {}
    elif clocks is None:
        clocks = {c.ticket_id: c for c in TicketClock.objects.filter(ticket__in=tickets)}
    else:
        clocks = {t.pk: clocks[t.pk] for t in tickets if t.pk in clocks}
    terms, new_clocks = {}, []
    for ticket in tickets:
        clock = clocks.get(ticket.pk)
        if clock is None:
            clock = clocks[ticket.pk] = TicketClock(ticket=ticket, frozen_at=now)
            new_clocks.append(clock)
        if clock.pk is None or refreeze:
            clock.freeze(ticket, now, terms=terms)
            if clock.problem:
                tell_supervisors_of_calendar(clock, ticket)
        clock.account_pause(ticket.status, ticket.created_at, now)
    TicketClock.objects.bulk_create(new_clocks)
    fresh = {id(clock) for clock in new_clocks}
    _save_clocks([c for c in clocks.values() if id(c) not in fresh], refreeze)
    _write_due_times(tickets, clocks)
    reconcile_many([(t, clocks[t.pk].planned_firings(t)) for t in tickets], now, created)
    return [clocks[t.pk] for t in tickets]


def _save_clocks(clocks, refreeze):
    """One update per distinct set of values: clocks re-frozen together share their terms."""
    groups = {}
    for clock in clocks:
        terms = (clock.sla_policy_id, clock.policy_key, clock.frozen_at) if refreeze else ()
        key = (terms, clock.paused_microseconds, clock.paused_since)
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


PAUSE_FIELDS = ["paused_microseconds", "paused_since"]
FROZEN_FIELDS = [
    "sla_policy_id",
    "sla_policy_name",
    "calendar",
    "response_target_seconds",
    "resolution_target_seconds",
    "policy",
    "policy_key",
    "frozen_at",
]


def _write_due_times(tickets, clocks):
    """Copy the clocks' due times to the ticket columns the queues sort by, where they moved."""
    moved = []
    for ticket in tickets:
        clock = clocks[ticket.pk]
        response, resolution = clock.due_times(ticket.created_at)
        paused_at = clock.paused_since if ticket.status in HOLDING else None
        fields = {
            "response_due_at": response,
            "resolution_due_at": resolution,
            "sla_paused_at": paused_at,
        }
        if any(getattr(ticket, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(ticket, name, value)
            moved.append(ticket)
    rows.update_each(
        Ticket,
        {ticket.pk: {name: getattr(ticket, name) for name in DUE_FIELDS} for ticket in moved},
    )


DUE_FIELDS = ["response_due_at", "resolution_due_at", "sla_paused_at"]


def reconcile(ticket, plans, now):
    """Make the ticket's firing rows match the plan: create, hold, release or cancel."""
    reconcile_many([(ticket, plans)], now)


def reconcile_many(planned, now, created=False):
    """`reconcile` for many (ticket, plans): one read, one insert, one update per moved state."""
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
        holding = ticket.status in HOLDING
        new_rows += [
            firing_row(ticket, p, now, holding)
            for key, p in wanted.items()
            if key not in existing and not planner.is_moot(p, now)
        ]
        had = rows_of.get(ticket.pk, [])
        moves += [move for row in had if (move := _moved(row, wanted, holding))]
    rows.insert(Firing, new_rows, skip_conflicts=True)
    _move_all(moves)


# What _moved reads of a firing row (as a named tuple: a burst re-plans thousands of rows).
MOVED_FIELDS = ("pk", "ticket_id", "key", "state", "due_at", "anchor_at")


def _moved(row, wanted, holding):
    """(row, state, due_at, anchor_at) the row should move to, or None if it stays."""
    if row.state in (Firing.State.FIRED, Firing.State.SKIPPED):
        return None
    plan = wanted.get(row.key)
    if plan is None:
        if row.state == Firing.State.CANCELLED:
            return None
        return row, Firing.State.CANCELLED, row.due_at, row.anchor_at
    state = _state_for(plan, holding)
    if row.state == Firing.State.CLAIMED and state == Firing.State.PENDING:
        state = Firing.State.CLAIMED  # a worker has it; it re-checks the plan before acting
    if row.state != state or row.due_at != plan.due_at or row.anchor_at != plan.anchor_at:
        return row, state, plan.due_at, plan.anchor_at
    return None


def _state_for(plan, holding):
    # Nothing fires while the ticket is paused, except recording a breach that already happened.
    if holding and plan.kind == "level":
        return Firing.State.HELD
    return Firing.State.PENDING


def _move_all(moves):
    """Conditional updates, one per (state read, state wanted): never touches a row a worker
    fired in the meantime. Only rows whose due time moved need a per-row value."""
    groups = {}
    for move in moves:
        row, state, due_at, anchor_at = move
        timed = due_at != row.due_at or anchor_at != row.anchor_at
        groups.setdefault((row.state, state, timed), []).append(move)
    for (read, state, timed), group in groups.items():
        if timed:
            times = {row.pk: {"due_at": due, "anchor_at": anchor} for row, _, due, anchor in group}
            rows.update_each(Firing, times, same={"state": state}, where={"state": read})
        else:
            keys = [m[0].pk for m in group]
            rows.update_all(Firing, keys, {"state": state}, where={"state": read})


def firing_row(ticket, plan, now, holding):
    """A new firing row's values (see incidents.rows.insert)."""
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
        "state": _state_for(plan, holding),
        "created_at": now,
    }


def tell_supervisors_of_calendar(clock, ticket):
    """A frozen calendar that never opens: the supervisors hear of it once per calendar (the
    outbox key is the calendar's), not once per ticket, and the ticket saves all the same."""
    calendar = clock.calendar or {}
    reason = (
        f"The business calendar \u201c{calendar.get('name', '?')}\u201d has no business hours: "
        f"{ticket.reference or 'this ticket'} and every ticket under it run without SLA due "
        "times until it is fixed."
    )
    outbox.notify_users(
        "sla_warning",
        ticket,
        actions.recipients(ticket, ["supervisors"], []),
        key=f"calendar:{calendar.get('id')}:never-opens",
        context={"reason": reason},
        force=True,
    )
