"""GET /api/reports/sla/: compliance and times per team and priority (SPEC "Reports")."""

from collections import defaultdict

from django.db.models import Count

from .stats import median_and_p90
from .teams import teams_in_order
from .tickets import TIMES, counted, escalations, outcome_counts

COLUMNS = [
    "team",
    "team_name",
    "priority",
    "tickets",
    "response_met",
    "response_missed",
    "resolution_met",
    "resolution_missed",
    "escalations",
    "mtta_median_seconds",
    "mtta_p90_seconds",
    "mttr_median_seconds",
    "mttr_p90_seconds",
    "mtta_median_wall_seconds",
    "mtta_p90_wall_seconds",
    "mttr_median_wall_seconds",
    "mttr_p90_wall_seconds",
]
# The percentile columns, in the order of tickets.TIMES.
TIME_COLUMNS = [("mtta", ""), ("mtta", "_wall"), ("mttr", ""), ("mttr", "_wall")]


def sla_report(period, now):
    """One row per (team, priority) with tickets in `period`, by team tier and name, then
    priority: counts, and MTTA and MTTR as median and p90 in business and wall seconds.
    Three queries: the counts, the escalations and the times."""
    tickets = counted(period)
    counts = tickets.values("team_id", "priority").annotate(
        tickets=Count("pk"), **outcome_counts(now)
    )
    escalated = escalations(tickets, "team_id", "priority")
    times = defaultdict(lambda: [[] for _ in TIMES])
    for team, priority, *values in tickets.values_list("team_id", "priority", *TIMES):
        found = times[team, priority]
        for column, value in zip(found, values, strict=True):
            if value is not None:
                column.append(value)
    counts = list(counts)
    names = teams_in_order(row["team_id"] for row in counts)
    order = {pk: position for position, pk in enumerate(names)}
    rows = [row(found, names, escalated, times) for found in counts]
    rows.sort(key=lambda r: (order.get(r["team"], len(order)), r["priority"]))
    return rows


def row(found, names, escalated, times):
    key = (found["team_id"], found["priority"])
    result = {
        "team": key[0],
        "team_name": names.get(key[0], ("", 0))[0],
        "priority": key[1],
        "tickets": found["tickets"],
        **{name: found[name] for name in COLUMNS[4:8]},
        "escalations": escalated.get(key, 0),
    }
    for (figure, wall), values in zip(TIME_COLUMNS, times[key], strict=True):
        median, p90 = median_and_p90(values)
        result[f"{figure}_median{wall}_seconds"] = median
        result[f"{figure}_p90{wall}_seconds"] = p90
    return {name: result[name] for name in COLUMNS}
