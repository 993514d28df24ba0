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
    clock: str = ""  # "response", "resolution" or "created": the bar the drawn timeline puts it on


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


def clock_of(kind, anchor):
    if kind == "response_breach" or anchor == "response_due":
        return "response"
    if kind == "resolution_breach" or anchor == "resolution_due":
        return "resolution"
    return "created"


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
            clock=clock_of(f.kind, f.anchor),
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
            clock=clock_of(p.kind, p.anchor),
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


# The drawn SLA timeline (UI "Workspace": the side panel's drawn timeline). Pure geometry from
# given times, so it is tested to the second; the template turns it into SVG.

CHART_WIDTH = 300
CHART_PAD = 12
ROW_HEIGHT = 46
TOP = 22
# Statuses in which the resolution clock stands still (escalation's PAUSED); resolved and closed
# stop it instead when they are where the ticket is now.
PAUSING = frozenset({"pending", "on_hold", "resolved", "closed"})
STOPPING = frozenset({"resolved", "closed"})


@dataclass(frozen=True)
class Clock:
    key: str  # "response" or "resolution"
    label: str
    due: datetime | None
    stopped: datetime | None = None  # acknowledged or resolved
    paused: tuple = ()  # ((start, end or None), ...)


@dataclass
class Marker:
    x: float
    y: float
    filled: bool
    late: bool
    title: str


@dataclass
class Bar:
    label: str
    y: float
    x0: float
    x1: float | None
    state: str  # "running", "stopped", "overdue", "paused" or "no target"
    note: str = ""  # the state in words, with the due time
    overdue: tuple | None = None  # (x0, x1) past the due time, not stopped
    stop_x: float | None = None
    paused: list = field(default_factory=list)  # [(x, width), ...]
    markers: list = field(default_factory=list)

    @property
    def length(self):
        return round(self.x1 - self.x0, 1) if self.x1 is not None else 0


@dataclass
class Chart:
    width: int
    height: int
    now_x: float
    bars: list
    start: datetime
    end: datetime


def paused_spans(status_changes, now):
    """(start, end) spans the resolution clock stood still, from (at, new status) pairs oldest
    first; the span still open ends with None, unless the ticket is resolved or closed (stopped)."""
    spans, since = [], None
    for at, status in status_changes:
        if status in PAUSING and since is None:
            since = at
        elif status not in PAUSING and since is not None:
            spans.append((since, at))
            since = None
    last = status_changes[-1][1] if status_changes else None
    if since is not None and last not in STOPPING:
        spans.append((since, None))
    return tuple(spans)


def _step_clock(step, keys):
    return step.clock if step.clock in keys else keys[0]


def step_text(step, fmt):
    """The marker's tooltip: which level, when, who was (or will be) told and what changes."""
    if step.when in ("late", "on time"):
        head = f"{step.title}: fired {step.when}, {fmt(step.at)}."
        told = f"Told: {', '.join(step.notified)}." if step.notified else "Told: nobody."
    else:
        head = f"{step.title}: due {fmt(step.at)}."
        told = f"Will tell: {', '.join(step.notified) or 'nobody named'}."
    return " ".join([head, told, *(f"{c}." for c in step.changes)])


def ticket_clocks(ticket, now):
    """The ticket's clocks for `sla_chart`, pauses read from its status changes (one query)."""
    changes = ticket.events.filter(kind=TicketEvent.Kind.STATUS_CHANGED).order_by("at", "id")
    pairs = [(at, (after or {}).get("status")) for at, after in changes.values_list("at", "after")]
    return [
        Clock("response", "First response", ticket.response_due_at, ticket.acknowledged_at),
        Clock(
            "resolution",
            "Resolution",
            ticket.resolution_due_at,
            ticket.resolved_at if not ticket.is_active else None,
            paused_spans(pairs, now),
        ),
    ]


def sla_chart(created, now, clocks, past, upcoming, fmt=None, width=CHART_WIDTH):
    """One bar per clock from `created` to its due time, paused spans, a "now" line and the
    escalation markers (past filled, upcoming hollow), on one time scale."""
    fmt = fmt or (lambda t: t.strftime("%a %d %b %H:%M"))
    clocks = list(clocks)
    moments = [created, now, *(s.at for s in [*past, *upcoming])]
    for clock in clocks:
        moments += [t for t in (clock.due, clock.stopped) if t]
        moments += [t for span in clock.paused for t in span if t]
    end = max(moments)
    seconds = max((end - created).total_seconds(), 1)
    inner = width - 2 * CHART_PAD

    def x(moment):
        return round(CHART_PAD + (moment - created).total_seconds() / seconds * inner, 1)

    keys = [c.key for c in clocks] or ["response"]
    bars = []
    for row, clock in enumerate(clocks):
        y = TOP + row * ROW_HEIGHT
        bar = Bar(
            label=clock.label,
            y=y,
            x0=x(created),
            x1=x(clock.due) if clock.due else None,
            state=_state(clock, now),
        )
        bar.note = _note(clock, bar.state, fmt)
        if clock.stopped:
            bar.stop_x = x(clock.stopped)
        if clock.due and bar.state == "overdue":
            bar.overdue = (x(clock.due), round(x(now) - x(clock.due), 1))
        bar.paused = [(x(a), round(x(b or now) - x(a), 1)) for a, b in clock.paused]
        bars.append(bar)
    for steps, filled in ((past, True), (upcoming, False)):
        for step in steps:
            bar = bars[keys.index(_step_clock(step, keys))] if bars else None
            if bar is not None:
                bar.markers.append(
                    Marker(
                        x(step.at), bar.y + 19, filled, step.when == "late", step_text(step, fmt)
                    )
                )
    height = TOP + max(len(bars), 1) * ROW_HEIGHT
    return Chart(width=width, height=height, now_x=x(now), bars=bars, start=created, end=end)


def _note(clock, state, fmt):
    if state == "no target":
        return "no target"
    if state == "stopped":
        late = " (after its due time)" if clock.stopped > clock.due else ""
        return f"stopped {fmt(clock.stopped)}{late}"
    return {
        "paused": f"paused (was due {fmt(clock.due)})",
        "overdue": f"overdue since {fmt(clock.due)}",
    }.get(state, f"due {fmt(clock.due)}")


def _state(clock, now):
    if clock.due is None:
        return "no target"
    if clock.stopped:
        return "stopped"
    if clock.paused and clock.paused[-1][1] is None:
        return "paused"
    return "overdue" if clock.due <= now else "running"
