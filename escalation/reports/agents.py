"""GET /api/reports/agents/: what each agent did in a period (docs/reports.md), from the
people's slots of work the keep_clocks reaction keeps (escalation/work.py)."""

from django.db.models import Count, Q, Sum

from incidents import roles

from ..models import WorkSlot
from ..work import slot_of
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


def agents_report(period):
    """Per agent, over their work in the period on the tickets the reader may see: tickets
    handled, first responses (acknowledgements) and their median time, resolutions and the
    share of them reopened afterwards (by anyone, at any time). Three queries: the desk's
    people, the counts, the medians."""
    # Read once, not joined: the engine's work and requesters' replies and reopens get no row.
    desk = dict(roles.desk_people().values_list("pk", "username"))
    first = slot_of(period.start)
    slots = slots_in(period, first, desk)
    found = slots.values("agent").annotate(
        # A slot with none of the agent's work on the ticket before it in the period: one per
        # ticket handled, no DISTINCT.
        handled=Count("slot", filter=Q(previous_slot__lt=first) | Q(previous_slot=None)),
        first_responses=Sum("acknowledgements"),
        resolved=Sum("resolutions"),
        reopened=Sum("reopened"),
    )
    medians = _first_response_medians(slots)
    rows = []
    for row in found:
        business, wall = medians.get(row["agent"], (None, None))
        resolved, reopened = row["resolved"], row["reopened"]
        rows.append(
            {
                "agent": row["agent"],
                "agent_name": desk[row["agent"]],
                "handled": row["handled"],
                "first_responses": row["first_responses"],
                "first_response_median_seconds": business,
                "first_response_median_wall_seconds": wall,
                "resolved": resolved,
                "reopened": reopened,
                "reopen_rate": round(reopened / resolved, 3) if resolved else None,
            }
        )
    return sorted(rows, key=lambda r: (r["agent_name"], r["agent"]))


def slots_in(period, first, desk):
    """The desk's slots of work in the period: a range of work_slot_report_idx. Drills by
    their few ids: without a team or priority asked, no ticket is joined."""
    slots = WorkSlot.objects.filter(slot__gte=first, slot__lt=slot_of(period.end))
    slots = slots.filter(agent_id__in=desk).exclude(drills("ticket"))
    return period.narrow(slots, ticket="ticket", drills=False).order_by()


def _first_response_medians(slots):
    """{agent: (median business seconds, median wall seconds)} from creation to their
    acknowledgements: the times the tickets' clocks keep, copied on the slots (stats.grouped).
    A ticket is acknowledged once (Ticket.acknowledge), so a slot holds at most one."""
    asks = {
        "business": ("acknowledge_seconds", (0.5,)),
        "wall": ("acknowledge_wall_seconds", (0.5,)),
    }
    acknowledged = slots.filter(acknowledgements__gt=0)
    found = grouped(acknowledged, {"agents": (("agent",), asks)})["agents"]
    return {agent: (row["business"][0], row["wall"][0]) for (agent,), row in found.items()}
