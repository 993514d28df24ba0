"""A ticket's SLA clocks: freezing its targets and policy, pausing, and keeping firings planned.

The arithmetic is business_time's and the planning planner's; this module moves their answers
in and out of rows. Every function takes `now` (an event's time), never reads the wall clock."""

from incidents.models import Ticket

from . import planner
from .business_time import add_business, business_seconds_between
from .models import EscalationPolicy, Firing, PriorityMatrixEntry, SLAPolicy, TicketClock
from .models.calendars import calendar_from_snapshot

# The resolution clock stands still while the ticket waits on someone else or is done.
PAUSED = frozenset({"pending", "on_hold", "resolved", "closed"})
HOLDING = frozenset({"pending", "on_hold"})


def derive_priority(ticket):
    """Apply the editable impact × urgency matrix unless an agent overrode the priority."""
    if ticket.priority_overridden:
        return False
    priority = PriorityMatrixEntry.priority_for(ticket.impact, ticket.urgency)
    if priority == ticket.priority:
        return False
    ticket.priority = priority
    Ticket.objects.filter(pk=ticket.pk).update(priority=priority)
    return True


def freeze(clock, ticket, now):
    """Copy the targets, calendar and escalation policy that now apply onto the ticket's clock."""
    sla = SLAPolicy.for_team(ticket.team)
    target = sla.targets.filter(priority=ticket.priority).first() if sla else None
    calendar = sla.calendar if sla else None
    clock.sla_policy_id = sla.pk if sla else None
    clock.sla_policy_name = sla.name if sla else ""
    clock.calendar = calendar.snapshot() if calendar else None
    clock.response_target_seconds = target.first_response_seconds if target else None
    clock.resolution_target_seconds = target.resolution_seconds if target else None
    policy = EscalationPolicy.for_ticket(ticket.team_id, ticket.priority)
    clock.policy = policy.snapshot() if policy else None
    clock.policy_key = str(policy.pk) if policy else ""
    clock.frozen_at = now


def account_pause(clock, ticket, now):
    """Start or end a pause of the resolution clock; a pause costs no business seconds."""
    paused = ticket.status in PAUSED
    if paused and clock.paused_since is None:
        clock.paused_since = now
    elif not paused and clock.paused_since is not None:
        calendar = calendar_from_snapshot(clock.calendar)
        spent = business_seconds_between(calendar, clock.paused_since, now)
        clock.paused_seconds += max(spent, 0)
        clock.paused_since = None


def due_times(clock, ticket):
    """(response_due, resolution_due), measured from creation in the frozen calendar."""
    calendar = calendar_from_snapshot(clock.calendar)
    response = resolution = None
    if clock.response_target_seconds:
        response = add_business(calendar, ticket.created_at, clock.response_target_seconds)
    if clock.resolution_target_seconds:
        resolution = add_business(
            calendar, ticket.created_at, clock.resolution_target_seconds + clock.paused_seconds
        )
    return response, resolution


def ticket_state(clock, ticket):
    response, resolution = due_times(clock, ticket)
    return planner.TicketState(
        ticket_id=ticket.pk,
        created_at=ticket.created_at,
        response_due=response,
        resolution_due=resolution,
        acknowledged_at=ticket.acknowledged_at,
        paused_since=clock.paused_since,
        active=ticket.status not in ("resolved", "closed"),
    )


def desired_firings(clock, ticket):
    state = ticket_state(clock, ticket)
    return planner.plan(state, clock.policy, calendar_from_snapshot(clock.calendar))


def refresh(ticket, now, refreeze=False):
    """Bring the clock, the ticket's due times and its planned firings up to date."""
    clock, created = TicketClock.objects.get_or_create(ticket=ticket, defaults={"frozen_at": now})
    if created or refreeze:
        freeze(clock, ticket, now)
    account_pause(clock, ticket, now)
    clock.save()
    response, resolution = due_times(clock, ticket)
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
    reconcile(ticket, desired_firings(clock, ticket), now)
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
