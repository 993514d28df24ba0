"""The timeline a policy would produce for a ticket, real or hypothetical (SPEC "preview")."""

from types import SimpleNamespace

from django.utils import timezone

from incidents.models import PriorityMatrixEntry, Team
from incidents.models.priority import Level

from . import planner
from .actions import BREACH_TARGETS, reach_many
from .models import EscalationLevel, TicketClock
from .models.terms import draft_chosen


def default_ticket(team_ids, priorities):
    """(team, priority) of the ticket a preview is for when nobody says: the policy's first
    team (lowest tier) and highest priority; else what a real ticket naming neither gets —
    the intake team, and the matrix's priority for medium impact and urgency."""
    team = Team.objects.filter(pk__in=team_ids).first() if team_ids else None
    if priorities:
        priority = sorted(priorities)[0]
    else:
        priority = PriorityMatrixEntry.priority_for(Level.MEDIUM, Level.MEDIUM)
    return team or Team.intake(), priority


def draft_snapshot(data):
    """The frozen form the planner reads, from a draft policy's cleaned fields and levels (the
    API's validated data or the admin's cleaned forms: users and teams as objects)."""
    return {
        "id": "draft",
        "name": data["name"],
        "repeat": data["repeat"],
        "repeat_interval_seconds": data["repeat_interval_seconds"],
        "levels": [
            {
                "order": level["order"],
                "anchor": level.get("anchor") or EscalationLevel.Anchor.RESPONSE_DUE,
                "offset_seconds": level["offset_seconds"],
                "notify": list(level.get("notify") or []),
                "notify_users": sorted(u.pk for u in level.get("notify_users") or []),
                "notify_contacts": sorted(c.pk for c in level.get("notify_contacts") or []),
                "reassign_to": level["reassign_to"].pk if level.get("reassign_to") else None,
                "set_priority": level.get("set_priority") or None,
            }
            for level in sorted(data.get("levels", []), key=lambda level: level["order"])
        ],
    }


def preview_policy(
    policy, *, ticket=None, priority=None, team=None, created_at=None, now=None, scope=None
):
    """Due times and the ordered level firings `policy` would give the ticket.

    `policy` is a saved EscalationPolicy, or the snapshot dict of a draft not saved yet.
    `scope`: the draft's (team ids, priorities, saved id or None, is active); given, a
    hypothetical ticket follows its moves as the engine does (SPEC "Moves keep the ladder
    honest"): a level that reassigns it or sets its priority freezes its terms again, and only
    the new plan's firings due after the move, not fired already, come after it."""
    now = now or timezone.now()
    if ticket is not None:
        clock, subject = _real(ticket, now)
    else:
        clock, subject = _hypothetical(priority, team, created_at or now, now)
    state = clock.ticket_state(subject)
    calendar = clock.business_calendar()
    snapshot = policy if isinstance(policy, dict) else policy.snapshot()
    firings = planner.level_plan(state, snapshot, calendar)
    if ticket is None and scope is not None:
        steps = _following_moves(firings, subject, snapshot, scope)
    else:
        steps = [(firing, subject) for firing in firings]
    users = [reached.users for reached in _reach(steps, now, overdue_now=False)]
    return {
        "response_due_at": state.response_due,
        "resolution_due_at": state.resolution_due,
        "firings": [_firing(f, notified) for (f, _), notified in zip(steps, users, strict=True)],
    }


def _following_moves(firings, subject, snapshot, scope):
    """[(firing, the ticket as it is when it fires)] in due order, re-planned after each move."""
    steps, fired, pending = [], set(), list(firings)
    while pending:
        pending.sort(key=lambda f: (f.due_at, f.level, f.repeat))
        firing = pending.pop(0)
        steps.append((firing, subject))
        fired.add(firing.key)
        if not firing.changes_ticket:
            continue
        level = firing.actions
        team = Team.objects.filter(pk=level.get("reassign_to")).first() or subject.team
        subject = SimpleNamespace(
            **{
                **vars(subject),
                "team": team,
                "team_id": team.pk if team else None,
                "priority": level.get("set_priority") or subject.priority,
            }
        )
        clock = TicketClock()
        clock.freeze(subject, firing.due_at)
        chosen = draft_chosen(scope, subject.team_id, subject.priority)
        policy = snapshot if chosen else clock.policy
        moved = planner.level_plan(clock.ticket_state(subject), policy, clock.business_calendar())
        pending = [f for f in moved if f.due_at > firing.due_at and f.key not in fired]
    return steps


def recipients_of(firings, subject, now=None, overdue_now=True):
    """For each planned firing of `subject` (a ticket), the users it would notify."""
    return [reached.users for reached in reach_of(firings, subject, now, overdue_now)]


def reach_of(firings, subject, now=None, overdue_now=True):
    """For each planned firing of `subject`, who it would reach at its due time: the on-call
    holders then, deputies for whoever is away then. `overdue_now`: a firing already due fires
    now (a ticket's waiting rows), so it is asked at `now`; a plan previewed asks at its due
    times, past or not."""
    return _reach([(f, subject) for f in firings], now, overdue_now)


def _reach(steps, now=None, overdue_now=True):
    """reach_of for (firing, the ticket as it is when the firing fires) pairs."""
    now = now or timezone.now()
    return reach_many(
        [(*_asked(f, held), max(f.due_at, now) if overdue_now else f.due_at) for f, held in steps],
        now,
    )


def _real(ticket, now):
    clock = TicketClock.objects.filter(ticket=ticket).first()
    if clock is None:
        clock = TicketClock(ticket=ticket)
        clock.freeze(ticket, now)
    return clock, ticket


def _hypothetical(priority, team, created_at, now):
    subject = SimpleNamespace(
        pk="preview",
        team=team,
        team_id=team.pk if team else None,
        priority=priority,
        created_at=created_at,
        acknowledged_at=None,
        assignee_id=None,
        status="new",
    )
    clock = TicketClock()
    clock.freeze(subject, now)
    return clock, subject


def _asked(firing, subject):
    if firing.kind != "level":
        return subject, BREACH_TARGETS, []
    return who_is_asked(firing, subject)


def who_is_asked(firing, subject):
    """Who a level names; after a reassignment its team targets mean the receiving team."""
    level = firing.actions
    receiving = SimpleNamespace(
        assignee_id=getattr(subject, "assignee_id", None),
        team_id=(level.get("reassign_to") if not firing.is_warning else None) or subject.team_id,
    )
    return receiving, level.get("notify", []), level.get("notify_users", [])


def _firing(firing, users):
    level = firing.actions
    return {
        "level": firing.level,
        "repeat": firing.repeat,
        "anchor": firing.anchor,
        "due_at": firing.due_at,
        "warning": firing.is_warning,
        "notify": [u.pk for u in users],
        "reassign_to": level.get("reassign_to") if firing.changes_ticket else None,
        "set_priority": level.get("set_priority") if firing.changes_ticket else None,
    }


def sla_due_times(calendar, targets, created_at):
    """[(priority, response due, resolution due)] for a ticket created at `created_at` under a
    draft SLA: `calendar` a BusinessCalendar or None (24×7), `targets` {priority: (response
    seconds, resolution seconds)}. The clock's own arithmetic, so what a frozen ticket gets."""
    snapshot = calendar.snapshot() if calendar is not None else None
    rows = []
    for priority in sorted(targets):
        response, resolution = targets[priority]
        clock = TicketClock(
            calendar=snapshot,
            response_target_seconds=response,
            resolution_target_seconds=resolution,
        )
        rows.append((priority, *clock.due_times(created_at)))
    return rows
