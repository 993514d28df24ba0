"""GET /api/reports/agents/: what each agent did in a period (docs/reports.md)."""

from collections import defaultdict

from django.db.models import Count, Q

from incidents.models import TicketEvent

from ..models.calendars import calendar_from_snapshot
from .stats import nearest_rank
from .tickets import elapsed

COLUMNS = [
    "agent",
    "agent_name",
    "handled",
    "first_responses",
    "first_response_median_seconds",
    "first_response_median_wall_seconds",
    "resolved",
    "reopened",
    "reopen_rate",
]
# What an agent does to a ticket; created, breached, notified and rated are not their work.
WORK = [
    TicketEvent.Kind.REPLIED,
    TicketEvent.Kind.NOTE_ADDED,
    TicketEvent.Kind.ACKNOWLEDGED,
    TicketEvent.Kind.STATUS_CHANGED,
    TicketEvent.Kind.ASSIGNED,
    TicketEvent.Kind.TEAM_CHANGED,
    TicketEvent.Kind.PRIORITY_CHANGED,
    TicketEvent.Kind.ESCALATED,
]
RESOLVED = Q(kind=TicketEvent.Kind.STATUS_CHANGED, after__status="resolved")


def agents_report(period):
    """Per agent, over the events they made in the period on the tickets the reader may see:
    tickets handled, first responses (acknowledgements) and their median time, resolutions and
    the share of them reopened afterwards (by anyone, at any time)."""
    events = _work(period)
    rows = {
        row["actor"]: {
            "agent": row["actor"],
            "agent_name": row["actor__username"],
            "handled": row["handled"],
            "first_responses": row["first_responses"],
            "resolved": row["resolved"],
        }
        for row in events.order_by()
        .values("actor", "actor__username")
        .annotate(
            handled=Count("ticket", distinct=True),
            first_responses=Count("pk", filter=Q(kind=TicketEvent.Kind.ACKNOWLEDGED)),
            resolved=Count("pk", filter=RESOLVED),
        )
    }
    medians = _first_response_medians(events)
    reopened = _reopened(events)
    for actor, row in rows.items():
        row["first_response_median_seconds"], row["first_response_median_wall_seconds"] = (
            medians.get(actor, (None, None))
        )
        row["reopened"] = reopened.get(actor, 0)
        row["reopen_rate"] = (
            round(row["reopened"] / row["resolved"], 3) if row["resolved"] else None
        )
    return sorted(rows.values(), key=lambda r: (r["agent_name"], r["agent"]))


def _work(period):
    events = TicketEvent.objects.filter(
        kind__in=WORK, at__gte=period.start, at__lt=period.end, actor__isnull=False
    )
    return period.narrow(events, ticket="ticket")


def _first_response_medians(events):
    """{agent: (median business seconds, median wall seconds)} from creation to their
    acknowledgements, on each ticket's own calendar."""
    times = defaultdict(lambda: ([], []))
    found = events.filter(kind=TicketEvent.Kind.ACKNOWLEDGED).values_list(
        "actor", "ticket__created_at", "at", "ticket__sla_clock__calendar"
    )
    for actor, created, acknowledged, calendar in found:
        business, wall = elapsed(calendar_from_snapshot(calendar), created, acknowledged)
        times[actor][0].append(business)
        times[actor][1].append(wall)
    return {
        actor: (nearest_rank(business, 0.5), nearest_rank(wall, 0.5))
        for actor, (business, wall) in times.items()
    }


def _reopened(events):
    """{agent: their resolutions in the period that were reopened later}."""
    resolutions = list(events.filter(RESOLVED).values_list("actor", "ticket_id", "at"))
    reopenings = defaultdict(list)
    found = TicketEvent.objects.filter(
        kind=TicketEvent.Kind.STATUS_CHANGED,
        data__reopened=True,
        ticket_id__in={ticket for _actor, ticket, _at in resolutions},
    )
    for ticket, at in found.values_list("ticket_id", "at"):
        reopenings[ticket].append(at)
    counts = defaultdict(int)
    for actor, ticket, at in resolutions:
        if any(later > at for later in reopenings[ticket]):
            counts[actor] += 1
    return counts
