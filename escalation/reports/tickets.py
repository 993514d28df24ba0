"""One ticket's figures for the reports (docs/reports.md): whether each clock was met or
missed (escalation.clock_state's rule), its time to acknowledge and to resolve, in business
seconds of its frozen calendar and in wall seconds, and how often it was escalated."""

from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

from django.db.models import F
from django.db.models.functions import Coalesce

from incidents.models import Ticket, TicketEvent

from .. import clock_state
from ..business_time import business_time_between
from ..models.calendars import calendar_from_snapshot

ONE_SECOND = timedelta(seconds=1)

# The ticket columns clock_state reads, and what the figures need besides.
COLUMNS = (
    "id",
    "team_id",
    "priority",
    "status",
    "created_at",
    "acknowledged_at",
    "resolved_at",
    "closed_at",
    "response_due_at",
    "resolution_due_at",
    "sla_paused_at",
)
CLOCK_COLUMNS = {
    "calendar": F("sla_clock__calendar"),
    "stood": F("sla_clock__stood_microseconds"),
    "stood_wall": F("sla_clock__stood_wall_microseconds"),
}


def counted(period):
    """The tickets a report over `period` counts: not drills, with the deadline they are judged
    by (resolution's, else first response's, else creation) in the period, of the teams and
    priority asked for."""
    tickets = Ticket.objects.annotate(
        deadline=Coalesce("resolution_due_at", "response_due_at", "created_at")
    )
    tickets = tickets.filter(deadline__gte=period.start, deadline__lt=period.end)
    return period.narrow(tickets).order_by()


@dataclass(frozen=True)
class Figures:
    team_id: int | None
    priority: str
    response: str  # "met", "missed" or "" (no target, or still running in time)
    resolution: str
    mtta: int | None  # business seconds, None when not acknowledged
    mtta_wall: int | None
    mttr: int | None  # business seconds less the pauses, None when not resolved
    mttr_wall: int | None
    escalations: int
    deadline: object = None  # the instant the ticket is counted by (see `counted`)


def figures(tickets, now):
    """The Figures of every ticket of the queryset, in two queries."""
    rows = list(tickets.values(*COLUMNS, "deadline", **CLOCK_COLUMNS))
    counts = escalation_counts(tickets.values("pk"))
    return [of(row, now, counts.get(row["id"], 0)) for row in rows]


def of(row, now, escalations=0):
    ticket = SimpleNamespace(**row)
    calendar = calendar_from_snapshot(row["calendar"])
    response, resolution = clock_state.clock_states(ticket, now)
    mtta = mtta_wall = mttr = mttr_wall = None
    if ticket.acknowledged_at is not None:
        mtta, mtta_wall = elapsed(calendar, ticket.created_at, ticket.acknowledged_at)
    stop = resolution_stop(ticket)
    if stop is not None:
        stood = timedelta(microseconds=row["stood"] or 0)
        stood_wall = timedelta(microseconds=row["stood_wall"] or 0)
        mttr, mttr_wall = elapsed(calendar, ticket.created_at, stop, stood, stood_wall)
    return Figures(
        team_id=row["team_id"],
        priority=row["priority"],
        response=_outcome(response),
        resolution=_outcome(resolution),
        mtta=mtta,
        mtta_wall=mtta_wall,
        mttr=mttr,
        mttr_wall=mttr_wall,
        escalations=escalations,
        deadline=row.get("deadline"),
    )


def elapsed(calendar, start, end, less=timedelta(0), less_wall=timedelta(0)):
    """(business seconds, wall seconds) from `start` to `end`, less the time given."""
    business = business_time_between(calendar, start, end) - less
    return _seconds(business), _seconds(end - start - less_wall)


def resolution_stop(ticket):
    """When the resolution clock last stood still for good, or None while the ticket is not
    resolved: the start of its last standing (a ticket resolved while pending stopped when it
    became pending), so MTTR leaves that stretch out as it leaves out every pause."""
    if ticket.status not in clock_state.DONE or ticket.resolved_at is None:
        return None
    return min(ticket.sla_paused_at or ticket.resolved_at, ticket.resolved_at)


def _outcome(clock):
    if clock.late:
        return "missed"
    if clock.state == clock_state.STOPPED:
        return "met"
    return ""


def _seconds(duration):
    return max(duration // ONE_SECOND, 0)


def is_escalation(data):
    """An `escalated` event that moved the ticket up the ladder: a manual escalation, or a
    level's first firing; a warning before a deadline and a repeat only told people again."""
    if data.get("manual"):
        return True
    return not data.get("warning") and not data.get("repeat")


def escalation_counts(ticket_ids):
    """{ticket id: escalations} for the tickets of a subquery of ids."""
    events = TicketEvent.objects.filter(kind=TicketEvent.Kind.ESCALATED, ticket__in=ticket_ids)
    counts = {}
    for ticket_id, data in events.order_by().values_list("ticket_id", "data"):
        if is_escalation(data or {}):
            counts[ticket_id] = counts.get(ticket_id, 0) + 1
    return counts
