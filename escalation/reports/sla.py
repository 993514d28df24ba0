"""GET /api/reports/sla/: compliance and times per team and priority (SPEC "Reports")."""

from collections import defaultdict

from .stats import median_and_p90
from .teams import teams_in_order
from .tickets import counted, figures

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


def sla_report(period, now):
    """One row per (team, priority) with tickets in `period`, by team tier and name, then
    priority: counts, and MTTA and MTTR as median and p90 in business and wall seconds."""
    groups = defaultdict(list)
    for found in figures(counted(period), now):
        groups[found.team_id, found.priority].append(found)
    names = {pk: name for pk, (name, _tier) in teams_in_order(t for t, _p in groups).items()}
    rows = [row(team, priority, names, group) for (team, priority), group in groups.items()]
    order = {pk: position for position, pk in enumerate(names)}
    rows.sort(key=lambda r: (order.get(r["team"], len(order)), r["priority"]))
    return rows


def row(team, priority, names, group):
    mtta = median_and_p90([f.mtta for f in group if f.mtta is not None])
    mtta_wall = median_and_p90([f.mtta_wall for f in group if f.mtta_wall is not None])
    mttr = median_and_p90([f.mttr for f in group if f.mttr is not None])
    mttr_wall = median_and_p90([f.mttr_wall for f in group if f.mttr_wall is not None])
    return {
        "team": team,
        "team_name": names.get(team, ""),
        "priority": priority,
        "tickets": len(group),
        "response_met": sum(f.response == "met" for f in group),
        "response_missed": sum(f.response == "missed" for f in group),
        "resolution_met": sum(f.resolution == "met" for f in group),
        "resolution_missed": sum(f.resolution == "missed" for f in group),
        "escalations": sum(f.escalations for f in group),
        "mtta_median_seconds": mtta[0],
        "mtta_p90_seconds": mtta[1],
        "mttr_median_seconds": mttr[0],
        "mttr_p90_seconds": mttr[1],
        "mtta_median_wall_seconds": mtta_wall[0],
        "mtta_p90_wall_seconds": mtta_wall[1],
        "mttr_median_wall_seconds": mttr_wall[0],
        "mttr_p90_wall_seconds": mttr_wall[1],
    }
