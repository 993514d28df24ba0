"""GET /api/reports/sla/: compliance and times per team and priority (SPEC "Reports")."""

from . import ranks
from .stats import MEDIAN_AND_P90
from .teams import teams_in_order
from .tickets import OUTCOMES, TIMES, counted, counted_cells

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
    The tickets' figures per row (ranks.grouped: one query on SQLite, two or three on
    PostgreSQL) and the teams' names."""
    found = ranks.grouped(counted(period), period, {"rows": ROWS}, counted_cells(now))["rows"]
    return sla_rows(found)


# Grouped per team and priority (the names and tiers are read after, for the groups found),
# with the percentiles of each time column.
ROWS = (
    ("team_id", "priority"),
    {column: (column, MEDIAN_AND_P90) for column in TIMES},
)


def sla_rows(found):
    """The report's rows from stats.grouped's groups of ROWS, by team tier and name (tickets
    of no team last), then priority."""
    teams = teams_in_order(team for team, _priority in found)
    rows = [_row(cells, teams.get(cells["team_id"], ("", None))) for cells in found.values()]
    rows.sort(key=lambda r: r.pop("_order"))
    return rows


def _row(cells, team):
    name, tier = team
    row = {"team": cells["team_id"], "team_name": name, "priority": cells["priority"]}
    row.update({name: cells[name] for name in ["tickets", *OUTCOMES, "escalations"]})
    for (figure, wall), column in zip(TIME_COLUMNS, TIMES, strict=True):
        row[f"{figure}_median{wall}_seconds"], row[f"{figure}_p90{wall}_seconds"] = cells[column]
    row = {name: row[name] for name in COLUMNS}
    row["_order"] = (tier is None, tier or 0, name, row["team"] or 0, row["priority"])
    return row
