"""GET /api/reports/sla/: compliance and times per team and priority (SPEC "Reports")."""

from collections import defaultdict

from .stats import median_and_p90
from .teams import teams_in_order
from .tickets import TIMES, counted, escalations, figures

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
    Two queries: each ticket's figures, and the escalations."""
    tickets = counted(period)
    return sla_rows(figures(tickets, now), escalations(tickets, "team_id", "priority"))


def sla_rows(found, escalated):
    """The report's rows from tickets.figures rows and escalations by (team, priority)."""
    groups = defaultdict(Group)
    for team, priority, response, resolution, *times in found:
        groups[team, priority].add(response, resolution, times)
    names = teams_in_order(team for team, _priority in groups)
    order = {pk: position for position, pk in enumerate(names)}
    rows = [
        group.row(key, names.get(key[0], ("", 0))[0], escalated.get(key, 0))
        for key, group in groups.items()
    ]
    rows.sort(key=lambda r: (order.get(r["team"], len(order)), r["priority"]))
    return rows


class Group:
    """The tickets of one row: counts and the times of each figure."""

    def __init__(self):
        self.tickets = 0
        self.outcomes = defaultdict(int)
        self.times = [[] for _ in TIMES]

    def add(self, response, resolution, times):
        self.tickets += 1
        self.outcomes["response", response] += 1
        self.outcomes["resolution", resolution] += 1
        for column, value in zip(self.times, times, strict=True):
            if value is not None:
                column.append(value)

    def row(self, key, team_name, escalations):
        result = {"team": key[0], "team_name": team_name, "priority": key[1]}
        result["tickets"] = self.tickets
        for clock in ("response", "resolution"):
            for what in ("met", "missed"):
                result[f"{clock}_{what}"] = self.outcomes[clock, what]
        result["escalations"] = escalations
        for (figure, wall), values in zip(TIME_COLUMNS, self.times, strict=True):
            result[f"{figure}_median{wall}_seconds"], result[f"{figure}_p90{wall}_seconds"] = (
                median_and_p90(values)
            )
        return {name: result[name] for name in COLUMNS}
