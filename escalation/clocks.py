"""Keeping a ticket's SLA state in step: its clock, its due-time columns and its firing rows.

The clock's rules are `TicketClock`'s methods, the arithmetic business_time's and the planning
planner's; this module moves their answers in and out of rows across the three models. Every
function takes `now` (an event's time), never reads the wall clock."""

from incidents.models import Ticket
from notifications import outbox

from . import actions, planner
from .models import Firing, TicketClock
from .models.firings import HOLDING


def refresh(ticket, now, refreeze=False):
    """Bring the clock, the ticket's due times and its planned firings up to date."""
    clock, created = TicketClock.objects.get_or_create(ticket=ticket, defaults={"frozen_at": now})
    if created or refreeze:
        clock.freeze(ticket, now)
        if clock.problem:
            tell_supervisors_of_calendar(clock, ticket)
    clock.account_pause(ticket.status, ticket.created_at, now)
    clock.save()
    response, resolution = clock.due_times(ticket.created_at)
    paused_at = clock.paused_since if ticket.status in HOLDING else None
    fields = {
        "response_due_at": response,
        "resolution_due_at": resolution,
        "sla_paused_at": paused_at,
    }
    if any(getattr(ticket, name) != value for name, value in fields.items()):
        Ticket.objects.filter(pk=ticket.pk).update(**fields)
        for name, value in fields.items():
            setattr(ticket, name, value)
    reconcile(ticket, clock.planned_firings(ticket), now)
    return clock


def reconcile(ticket, plans, now):
    """Make the ticket's firing rows match the plan: create, hold, release or cancel."""
    existing = {f.key: f for f in Firing.objects.filter(ticket=ticket)}
    wanted = {p.key: p for p in plans}
    holding = ticket.status in HOLDING
    new_rows = [
        firing_row(ticket, p, now, holding)
        for key, p in wanted.items()
        if key not in existing and not planner.is_moot(p, now)
    ]
    Firing.objects.bulk_create(new_rows, ignore_conflicts=True)
    for key, row in existing.items():
        if row.state in (Firing.State.FIRED, Firing.State.SKIPPED):
            continue
        plan = wanted.get(key)
        if plan is None:
            if row.state != Firing.State.CANCELLED:
                _move(row, state=Firing.State.CANCELLED)
            continue
        state = _state_for(plan, holding)
        if row.state == Firing.State.CLAIMED and state == Firing.State.PENDING:
            state = Firing.State.CLAIMED  # a worker has it; it re-checks the plan before acting
        if row.state != state or row.due_at != plan.due_at or row.anchor_at != plan.anchor_at:
            _move(row, state=state, due_at=plan.due_at, anchor_at=plan.anchor_at)


def _state_for(plan, holding):
    # Nothing fires while the ticket is paused, except recording a breach that already happened.
    if holding and plan.kind == "level":
        return Firing.State.HELD
    return Firing.State.PENDING


def _move(row, **fields):
    """Conditional update: never touches a row a worker fired in the meantime."""
    Firing.objects.filter(pk=row.pk, state=row.state).update(**fields)


def firing_row(ticket, plan, now, holding):
    return Firing(
        ticket=ticket,
        key=plan.key,
        kind=plan.kind,
        level=plan.level,
        repeat=plan.repeat,
        anchor=plan.anchor,
        anchor_at=plan.anchor_at,
        due_at=plan.due_at,
        actions=plan.actions,
        state=_state_for(plan, holding),
        created_at=now,
    )


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
