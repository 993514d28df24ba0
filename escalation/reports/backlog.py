"""GET /api/reports/backlog/: the open tickets now, by age and status, per team."""

from datetime import timedelta

from django.db.models import Count, Q

from incidents.models import Ticket

from .teams import teams_in_order
from .tickets import drills

# (column, younger than): the age bands, youngest first; the last has no upper bound.
BANDS = [
    ("under_1d", timedelta(days=1)),
    ("from_1d_to_3d", timedelta(days=3)),
    ("from_3d_to_7d", timedelta(days=7)),
    ("from_7d_to_30d", timedelta(days=30)),
    ("over_30d", None),
]
COLUMNS = ["team", "team_name", "status", *(name for name, _ in BANDS), "total"]


def backlog_report(period, now):
    """Active tickets (new, open, pending, on hold; drills left out) by their age at `now`,
    one row per (team, status); the period's team and priority apply, its days do not."""
    tickets = Ticket.objects.active().exclude(drills())
    # Drills left out by their ids (few), not their flag: then ticket_team_urgency_idx holds
    # every column read without a priority filter, and SQLite reads no ticket row.
    tickets = period.narrow(tickets, drills=False)
    bands, older = {}, None
    for name, younger in BANDS:
        band = Q() if older is None else Q(created_at__lte=now - older)
        if younger is not None:
            band &= Q(created_at__gt=now - younger)
        bands[name] = Count("pk", filter=band)
        older = younger
    found = tickets.order_by().values("team_id", "status").annotate(**bands, total=Count("pk"))
    teams = teams_in_order(row["team_id"] for row in found)
    order = {pk: i for i, pk in enumerate(teams)}
    statuses = {status: i for i, status in enumerate(Ticket.ACTIVE_STATUSES)}
    rows = [
        {
            "team": row["team_id"],
            "team_name": teams.get(row["team_id"], ("", 0))[0],
            "status": row["status"],
            **{name: row[name] for name in COLUMNS[3:]},
        }
        for row in found
    ]
    return sorted(rows, key=lambda r: (order.get(r["team"], len(order)), statuses[r["status"]]))
