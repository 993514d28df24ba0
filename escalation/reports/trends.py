"""The dashboard's figures over time: per day (periods of up to 14 days) or per week (from
Monday), MTTA and MTTR medians, clocks missed and escalation levels fired."""

from collections import defaultdict
from datetime import timedelta

from django.utils import timezone

from ..models import Firing
from .escalations import level_firings
from .stats import nearest_rank
from .tickets import counted, figures

COLUMNS = [
    "starts",
    "tickets",
    "mtta_median_seconds",
    "mttr_median_seconds",
    "response_missed",
    "resolution_missed",
    "escalations",
]


def buckets(period):
    """The first day of each bucket of the period, and the bucket's length."""
    days = (period.last_day - period.first_day).days + 1
    step = timedelta(days=1 if days <= 14 else 7)
    first = period.first_day
    if step.days == 7:
        first -= timedelta(days=first.weekday())
    starts = []
    while first <= period.last_day:
        starts.append(first)
        first += step
    return starts, step


def _bucket(moment, starts, step):
    day = timezone.localtime(moment).date()
    index = (day - starts[0]) // step
    return starts[min(max(index, 0), len(starts) - 1)]


def trends(period, now):
    """One row per bucket of `period`, counted as the SLA report counts (by deadline)."""
    starts, step = buckets(period)
    groups = defaultdict(list)
    for found in figures(counted(period), now):
        groups[_bucket(found.deadline, starts, step)].append(found)
    rows = []
    for start in starts:
        group = groups.get(start, [])  # keyed by the bucket's own start
        rows.append(
            {
                "starts": max(start, period.first_day),  # a first week cut by the period
                "tickets": len(group),
                "mtta_median_seconds": nearest_rank(
                    [f.mtta for f in group if f.mtta is not None], 0.5
                ),
                "mttr_median_seconds": nearest_rank(
                    [f.mttr for f in group if f.mttr is not None], 0.5
                ),
                "response_missed": sum(f.response == "missed" for f in group),
                "resolution_missed": sum(f.resolution == "missed" for f in group),
                "escalations": sum(f.escalations for f in group),
            }
        )
    return rows


def levels_over_time(period):
    """{bucket start: {level: first firings}} of the escalation levels fired in the period,
    and the levels seen, in order."""
    starts, step = buckets(period)
    firings = level_firings(period).filter(state=Firing.State.FIRED, repeat=0)
    counts = {start: defaultdict(int) for start in starts}
    levels = set()
    for due_at, level in firings.order_by().values_list("due_at", "level"):
        counts[_bucket(due_at, starts, step)][level] += 1
        levels.add(level)
    return counts, sorted(levels)
