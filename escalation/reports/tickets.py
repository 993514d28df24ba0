"""The tickets a report counts and their figures, as SQL over the one narrow row each ticket's
clock keeps (escalation/figures.py, docs/reports.md): the deadline it counts by, team and
priority, whether each clock was met or missed, the time to acknowledge and to resolve in
business and wall seconds, and the escalations."""

from django.db.models import Q

from incidents.models import Ticket

from ..models import TicketClock
from .stats import Total

# The clock's figures a report reads for percentiles, in this order.
TIMES = [
    "acknowledge_seconds",
    "acknowledge_wall_seconds",
    "resolve_seconds",
    "resolve_wall_seconds",
]


def counted(period):
    """The clocks of the tickets a report over `period` counts: not drills, with the deadline
    they are judged by (resolution's, else first response's, else creation) in the period, of
    the teams and priority asked for; a range of clock_report_idx, no ticket read."""
    clocks = TicketClock.objects.filter(deadline__gte=period.start, deadline__lt=period.end)
    return period.narrow(clocks.exclude(drills("ticket")), drills=False).order_by()


def drills(ticket="pk"):
    """Rows whose ticket (the field `ticket`) is a drill, to exclude: the drills are few, so
    their ids are read once (ticket_drill_idx) and no ticket row is read for the others."""
    return Q(**{f"{ticket}__in": Ticket.objects.filter(drill=True).values("pk")})


def met(clock):
    """Clocks whose `clock` ("response" or "resolution") stopped in time."""
    return Q(**{f"{clock}_outcome": "met"})


def missed_by(clock, now):
    """Clocks whose `clock` missed its deadline by `now`: settled so at the ticket's last
    change, or still running (no outcome yet) past a due time that has come since (clock_state's
    rule: a running clock breaches when its due time comes; the first-response clock runs until
    acknowledgement, the resolution clock until the ticket waits or is resolved), kept as
    `<clock>_due_running` (figures.copies)."""
    return Q(**{f"{clock}_outcome": "missed"}) | Q(**{f"{clock}_due_running__lte": now})


OUTCOMES = ["response_met", "response_missed", "resolution_met", "resolution_missed"]


def counted_cells(now):
    """What a report counts of its tickets, for stats.grouped: every ticket, the tickets of
    each outcome of each clock at `now` ("met" and "missed" exclude each other: a clock still
    running has no outcome kept), and their escalations (kept on each clock by keep_clocks)."""
    cells = {"tickets": None}
    for name in OUTCOMES:
        clock, what = name.split("_")
        cells[name] = met(clock) if what == "met" else missed_by(clock, now)
    cells["escalations"] = Total("escalations")
    return cells


# An `escalated` event that moved the ticket up the ladder: a manual escalation, or a level's
# first firing; a warning before a deadline and a repeat only told people again. Each clock
# counts them as they happen (figures.counts_as_escalation, the same rule in Python);
# tests/escalation/test_figures.py holds the count to these events.
ESCALATION = Q(data__manual=True) | Q(data__warning=False, data__repeat=0)
