"""What the workspace's side panel shows of a ticket's escalation: firings past and to come.

Past firings are the Firing rows that fired (with who was told); upcoming ones are the planner's
(`TicketClock.planned_firings`), the same picture the engine will act on."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from escalation.models import Firing, TicketClock
from escalation.preview import recipients_of
from incidents.models import Team, TicketEvent
from notifications.models import Notification

from .deadlines import short_duration

ANCHORS = {
    "created": "creation",
    "response_due": "the first-response deadline",
    "resolution_due": "the resolution deadline",
}
# Events that do not change what an agent is looking at: not a reason to stop their send.
QUIET_KINDS = ("sla_updated", "notified")


@dataclass
class Step:
    at: datetime
    title: str
    when: str  # "on time", "late", "upcoming", "due now"
    notified: list = field(default_factory=list)
    changes: list = field(default_factory=list)


def describe(kind, level, repeat, actions):
    if kind == "response_breach":
        return "First-response SLA breached"
    if kind == "resolution_breach":
        return "Resolution SLA breached"
    offset = (actions or {}).get("offset_seconds", 0)
    anchor = ANCHORS.get((actions or {}).get("anchor"), "its anchor")
    if offset:
        side = "before" if offset < 0 else "after"
        where = f"{short_duration(offset)} {side} {anchor}"
    else:
        where = f"at {anchor}"
    title = f"Level {level}{' warning' if offset < 0 else ''}, {where}"
    return f"{title} (repeat {repeat})" if repeat else title


def changes(changes_ticket, actions, teams):
    if not changes_ticket:
        return []
    out = []
    if actions.get("reassign_to"):
        team = teams.get(actions["reassign_to"])
        out.append(f"Moves to {team.name} (tier {team.tier})" if team else "Moves to another team")
    if actions.get("set_priority"):
        out.append(f"Raises priority to {actions['set_priority']}")
    return out


def _name(user):
    return user.get_full_name() or user.get_username()


def escalation_steps(ticket, now):
    """(past, upcoming) steps, each oldest first, in a fixed number of queries."""
    fired = list(Firing.objects.filter(ticket=ticket, state=Firing.State.FIRED))
    told = defaultdict(list)
    notices = Notification.objects.filter(ticket=ticket, cause__startswith="firing:")
    for notice in notices.select_related("recipient").order_by("id"):
        told[notice.cause].append(_name(notice.recipient) if notice.recipient else notice.address)
    clock = TicketClock.objects.filter(ticket=ticket).first()
    done = {f.key for f in fired}
    planned = [p for p in (clock.planned_firings(ticket) if clock else []) if p.key not in done]
    team_ids = {(f.actions or {}).get("reassign_to") for f in [*fired, *planned]} - {None}
    teams = Team.objects.in_bulk(team_ids) if team_ids else {}
    past = [
        Step(
            at=f.fired_at or f.due_at,
            title=describe(f.kind, f.level, f.repeat, f.actions),
            when="late" if f.late else "on time",
            notified=told.get(f"firing:{f.pk}", []),
            changes=changes(f.changes_ticket, f.actions or {}, teams),
        )
        for f in sorted(fired, key=lambda f: (f.fired_at or f.due_at, f.pk))
    ]
    people = recipients_of(planned, ticket) if planned else []
    upcoming = [
        Step(
            at=p.due_at,
            title=describe(p.kind, p.level, p.repeat, p.actions),
            when="due now" if p.due_at <= now else "upcoming",
            notified=[_name(u) for u in users],
            changes=changes(p.changes_ticket, p.actions, teams),
        )
        for p, users in zip(planned, people, strict=True)
    ]
    return past, upcoming


def recent_events(ticket, since):
    """What others did to `ticket` after `since`: the list a refused send shows."""
    events = ticket.events.exclude(kind__in=QUIET_KINDS).select_related("actor")
    return list(events.filter(at__gt=since).order_by("at", "id"))


def version(ticket):
    """The instant the ticket was last changed: its save or its latest event, whichever is later."""
    last = (
        TicketEvent.objects.filter(ticket=ticket)
        .exclude(kind__in=QUIET_KINDS)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    return max(filter(None, [ticket.updated_at, last]))


def event_text(event):
    """One line for an event: who did what, with the before and after where there is one."""
    who = _name(event.actor) if event.actor else "Tierdesk"
    what = event.get_kind_display().lower()
    detail = ", ".join(
        f"{key} {event.before.get(key, '—')} → {value}"
        for key, value in (event.after or {}).items()
    )
    return f"{who}: {what}" + (f" ({detail})" if detail else "")
