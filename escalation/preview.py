"""The timeline a policy would produce for a ticket, real or hypothetical (SPEC "preview")."""

from types import SimpleNamespace

from django.utils import timezone

from . import planner
from .actions import BREACH_TARGETS, reach_many
from .models import TicketClock


def preview_policy(policy, *, ticket=None, priority=None, team=None, created_at=None, now=None):
    """Due times and the ordered level firings `policy` would give the ticket.

    `policy` is a saved EscalationPolicy, or the snapshot dict of a draft not saved yet."""
    now = now or timezone.now()
    if ticket is not None:
        clock, subject = _real(ticket, now)
    else:
        clock, subject = _hypothetical(priority, team, created_at or now, now)
    state = clock.ticket_state(subject)
    calendar = clock.business_calendar()
    snapshot = policy if isinstance(policy, dict) else policy.snapshot()
    firings = planner.level_plan(state, snapshot, calendar)
    return {
        "response_due_at": state.response_due,
        "resolution_due_at": state.resolution_due,
        "firings": [
            _firing(f, users)
            for f, users in zip(
                firings, recipients_of(firings, subject, now, overdue_now=False), strict=True
            )
        ],
    }


def recipients_of(firings, subject, now=None, overdue_now=True):
    """For each planned firing of `subject` (a ticket), the users it would notify."""
    return [reached.users for reached in reach_of(firings, subject, now, overdue_now)]


def reach_of(firings, subject, now=None, overdue_now=True):
    """For each planned firing of `subject`, who it would reach at its due time: the on-call
    holders then, deputies for whoever is away then. `overdue_now`: a firing already due fires
    now (a ticket's waiting rows), so it is asked at `now`; a plan previewed asks at its due
    times, past or not."""
    now = now or timezone.now()
    return reach_many(
        [
            (
                *(_ask(f, subject) if f.kind == "level" else (subject, BREACH_TARGETS, [])),
                max(f.due_at, now) if overdue_now else f.due_at,
            )
            for f in firings
        ],
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


def _ask(firing, subject):
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
