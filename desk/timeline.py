"""The workspace's side panel: what changed while an agent typed, and the drawn SLA timeline.

The escalation ladder itself (what fired, what was set aside, what is to come) is
escalation.ladder's; which clock runs, pauses, stops or breached is escalation.clock_state's."""

from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from escalation import clock_state
from incidents.models import TicketEvent

# Events that do not change what an agent is looking at: not a reason to stop their send.
QUIET_KINDS = ("sla_updated", "notified")
# Events whose `why` is the system's own account (auto-assignment, a held level), fit to show.
EXPLAINED_KINDS = ("assigned", "level_held")


def _name(user):
    return user.get_full_name() or user.get_username()


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
    why = (event.data or {}).get("why") if event.kind in EXPLAINED_KINDS else ""
    return f"{who}: {what}" + (f" ({detail})" if detail else "") + (f": {why}" if why else "")


# The drawn SLA timeline (UI "Workspace": the side panel's drawn timeline). Pure geometry from
# given times, so it is tested to the second; the template turns it into SVG.

CHART_WIDTH = 300
CHART_PAD = 12
ROW_HEIGHT = 46
TOP = 22
# Statuses in which the resolution clock stands still; resolved and closed stop it instead when
# they are where the ticket is now.
PAUSING = clock_state.STANDING
STOPPING = clock_state.DONE


@dataclass(frozen=True)
class Clock:
    key: str  # "response" or "resolution"
    label: str
    due: datetime | None
    stopped: datetime | None = None  # acknowledged or resolved
    paused: tuple = ()  # ((start, end or None), ...)
    late: bool | None = None  # breached (clock_state); None: judged from `stopped` alone
    state: str = ""  # clock_state's state of it now; "": judged from `stopped` and `paused`


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
    if step.fired:
        head = _("%(level)s: fired %(when)s, %(at)s.") % {
            "level": step.title,
            "when": FIRED_WHEN.get(step.when, step.when),
            "at": fmt(step.at),
        }
        told = (
            _("Told: %(people)s.") % {"people": ", ".join(step.notified)}
            if step.notified
            else _("Told: nobody.")
        )
    else:
        head = (
            _("%(level)s: due %(at)s (held while the ticket is paused).")
            if step.when == "held"
            else _("%(level)s: due %(at)s.")
        ) % {"level": step.title, "at": fmt(step.at)}
        told = (
            _("Will tell: %(people)s.") % {"people": ", ".join(step.notified)}
            if step.notified
            else _("Will tell: nobody named.")
        )
    return " ".join([head, told, *(f"{c}." for c in step.changes)])


def ticket_clocks(ticket, now):
    """The ticket's clocks for `sla_chart` as escalation.clock_state reads them, with the
    pauses drawn from its status changes (one query)."""
    changes = ticket.events.filter(kind=TicketEvent.Kind.STATUS_CHANGED).order_by("at", "id")
    pairs = [(at, (after or {}).get("status")) for at, after in changes.values_list("at", "after")]
    response, resolution = clock_state.clock_states(ticket, now)
    return [
        _clock(response, _("First response")),
        _clock(resolution, _("Resolution"), paused_spans(pairs, now)),
    ]


def _clock(state, label, paused=()):
    stopped = state.since if state.state == clock_state.STOPPED else None
    return Clock(state.clock, label, state.due, stopped, paused, state.late, state.state)


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
    """The bar's state in words, short enough for the chart's line (UI "Workspace")."""
    if state == "no target":
        return _("no target")
    if state == "stopped":
        late = clock.late if clock.late is not None else clock.stopped > clock.due
        said = _("stopped %(at)s, late") if late else _("stopped %(at)s")
        return said % {"at": fmt(clock.stopped)}
    said = {
        "paused": _("paused (was due %(at)s)"),
        "overdue": _("overdue since %(at)s"),
    }.get(state, _("due %(at)s"))
    return said % {"at": fmt(clock.due)}


# How an escalation step fired (escalation.ladder's `when`), in the reader's words.
FIRED_WHEN = {
    "on time": gettext_lazy("on time"),
    "late": gettext_lazy("late"),
}

# The chart's words for escalation.clock_state's states.
CHART_STATES = {
    clock_state.NONE: "no target",
    clock_state.RUNNING: "running",
    clock_state.PAUSED: "paused",
    clock_state.STOPPED: "stopped",
    clock_state.BREACHED: "overdue",
}


def _state(clock, now):
    if clock.state:
        return CHART_STATES[clock.state]
    pausing = clock.paused and clock.paused[-1][1] is None and not clock.stopped
    halt = clock.stopped or (clock.paused[-1][0] if pausing else None)
    found = clock_state.state_at(clock.key, clock.due, halt, now, stops=not pausing)
    return CHART_STATES[found.state]
