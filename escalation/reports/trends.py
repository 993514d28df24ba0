"""The dashboard's figures over time: per day (periods of up to 14 days) or per week (from
Monday), MTTA and MTTR medians, clocks missed and escalation levels fired."""

from collections import defaultdict
from datetime import datetime, time, timedelta

from django.db.models import Count, F, Func, IntegerField
from django.utils import timezone

from ..models import Firing
from . import ranks
from .escalations import level_firings
from .sla import ROWS, sla_rows
from .tickets import TIMES, counted, counted_cells

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


def bucket_of(instant, starts, step):
    """An SQL expression: the index of the bucket `instant` (a field name or an expression)
    falls in."""
    return BucketOf(F(instant) if isinstance(instant, str) else instant, bucket_ends(starts, step))


class BucketOf(Func):
    """The index of the first bucket whose end (`ends`, ascending) comes after the instant, the
    last bucket taking the rest: a CASE of the ends, and on PostgreSQL `width_bucket` over the
    ends as an array, a binary search where the CASE compares each row with one end after
    another (a quarter's 14 weeks at 1M tickets: ~40 of the dashboard's ~240 ms count,
    docs/benchmarks.md)."""

    output_field = IntegerField()

    def __init__(self, instant, ends):
        self.ends = list(ends)
        super().__init__(instant)

    def as_sql(self, compiler, connection, **extra_context):
        instant, params = compiler.compile(self.source_expressions[0])
        adapt = connection.ops.adapt_datetimefield_value
        whens = " ".join(f"WHEN {instant} < %s THEN {i}" for i in range(len(self.ends)))
        values = [value for end in self.ends for value in (*params, adapt(end))]
        return f"(CASE {whens} ELSE {len(self.ends) - 1} END)", values

    def as_postgresql(self, compiler, connection, **extra_context):
        if len(self.ends) < 2:
            return "0", []
        instant, params = compiler.compile(self.source_expressions[0])
        return f"width_bucket({instant}, %s::timestamptz[])", [*params, self.ends[:-1]]


def bucket_ends(starts, step):
    """The instant each bucket ends, in the reader's time zone (the last bucket takes what
    comes after its end as well)."""
    zone = timezone.get_current_timezone()
    return [datetime.combine(start + step, time(), tzinfo=zone) for start in starts]


def trends(period, now):
    """One row per bucket of `period`, counted as the SLA report counts (by deadline)."""
    return sla_and_trends(period, now)[1]


def sla_and_trends(period, now):
    """(the SLA report's rows, the trend rows) of `period`, for the dashboard and the SLA
    report, which show both: the tickets' figures and escalations per row and per bucket,
    from one read of their clocks (ranks.grouped; and the days of sorted figures on
    PostgreSQL), and the teams' names."""
    starts, step = buckets(period)
    tickets = counted(period).annotate(bucket=bucket_of("deadline", starts, step))
    groupings = {"rows": ROWS, "buckets": BUCKETS}
    ends = bucket_ends(starts, step)
    found = ranks.grouped(tickets, period, groupings, counted_cells(now), ends)
    return sla_rows(found["rows"]), trend_rows(found["buckets"], starts, period)


# The medians of each bucket: business seconds to acknowledge and to resolve.
BUCKETS = (
    ("bucket",),
    {"mtta_median_seconds": (TIMES[0], (0.5,)), "mttr_median_seconds": (TIMES[2], (0.5,))},
)


def trend_rows(found, starts, period):
    """One row per bucket from stats.grouped's groups of BUCKETS."""
    rows = []
    for index, start in enumerate(starts):
        cells = found.get((index,), {})
        rows.append(
            {
                "starts": max(start, period.first_day),  # a first week cut by the period
                "tickets": cells.get("tickets", 0),
                "mtta_median_seconds": cells.get("mtta_median_seconds", [None])[0],
                "mttr_median_seconds": cells.get("mttr_median_seconds", [None])[0],
                "response_missed": cells.get("response_missed", 0),
                "resolution_missed": cells.get("resolution_missed", 0),
                "escalations": cells.get("escalations", 0),
            }
        )
    return rows


def levels_over_time(period):
    """[{level: first firings}] per bucket of the escalation levels fired in the period, and
    the levels seen, in order."""
    starts, step = buckets(period)
    firings = level_firings(period).filter(state=Firing.State.FIRED, repeat=0)
    firings = firings.annotate(bucket=bucket_of("due_at", starts, step))
    counts = [defaultdict(int) for _ in starts]
    levels = set()
    found = firings.order_by().values("bucket", "level").annotate(n=Count("pk"))
    for row in found:
        counts[row["bucket"]][row["level"]] += row["n"]
        levels.add(row["level"])
    return counts, sorted(levels)
