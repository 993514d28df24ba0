"""GET /api/reports/agents/: what each agent did in a period (docs/reports.md)."""

from django.db.models import Count, Exists, OuterRef, Q

from incidents import roles
from incidents.models import TicketEvent

from .stats import grouped
from .tickets import drills

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
    the share of them reopened afterwards (by anyone, at any time). Three queries."""
    events = _work(period)
    found = events.values("actor", "actor__username").annotate(
        handled=Count("ticket", distinct=True),
        first_responses=Count("pk", filter=Q(kind=TicketEvent.Kind.ACKNOWLEDGED)),
        resolved=Count("pk", filter=RESOLVED),
    )
    reopened = _reopened(events)
    medians = _first_response_medians(events)
    desk = set(roles.desk_people().values_list("pk", flat=True))  # read once, not joined
    rows = []
    for row in found:
        if row["actor"] not in desk:  # the engine's events, and requesters' replies and reopens
            continue
        business, wall = medians.get(row["actor"], (None, None))
        resolved = row["resolved"]
        rows.append(
            {
                "agent": row["actor"],
                "agent_name": row["actor__username"],
                "handled": row["handled"],
                "first_responses": row["first_responses"],
                "first_response_median_seconds": business,
                "first_response_median_wall_seconds": wall,
                "resolved": resolved,
                "reopened": reopened.get(row["actor"], 0),
                "reopen_rate": (
                    round(reopened.get(row["actor"], 0) / resolved, 3) if resolved else None
                ),
            }
        )
    return sorted(rows, key=lambda r: (r["agent_name"], r["agent"]))


def _work(period):
    # Events without an actor (the engine's) are dropped from the rows, not filtered here: an
    # `actor IS NOT NULL` leads SQLite to walk the actor index over the whole table.
    events = TicketEvent.objects.filter(kind__in=WORK, at__gte=period.start, at__lt=period.end)
    # Drills by their few ids: without a team or priority asked, no ticket is joined.
    return period.narrow(events.exclude(drills("ticket")), ticket="ticket", drills=False).order_by()


def _first_response_medians(events):
    """{agent: (median business seconds, median wall seconds)} from creation to their
    acknowledgements: the times the tickets' clocks keep (stats.grouped)."""
    asks = {
        "business": ("ticket__sla_clock__acknowledge_seconds", (0.5,)),
        "wall": ("ticket__sla_clock__acknowledge_wall_seconds", (0.5,)),
    }
    acknowledged = events.filter(kind=TicketEvent.Kind.ACKNOWLEDGED)
    found = grouped(acknowledged, {"agents": (("actor",), asks)})["agents"]
    return {actor: (row["business"][0], row["wall"][0]) for (actor,), row in found.items()}


def _reopened(events):
    """{agent: their resolutions in the period reopened afterwards}: the resolutions alone
    are asked whether a reopening of the same ticket follows (on the (kind, ticket) index)."""
    later = TicketEvent.objects.filter(
        kind=TicketEvent.Kind.STATUS_CHANGED,
        data__reopened=True,
        ticket=OuterRef("ticket"),
        at__gt=OuterRef("at"),
    )
    found = events.filter(RESOLVED).filter(Exists(later)).values("actor").annotate(n=Count("pk"))
    return {row["actor"]: row["n"] for row in found}
