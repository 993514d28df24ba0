"""A report's percentiles of the clocks' times on PostgreSQL, ranked from the days of sorted
figures (escalation/ranks.py) instead of sorted per group by the database, which was most of
a long period's report at a million tickets (docs/reports.md, "Percentiles from sorted days").

A period read in the reader's time zone and cut into buckets (the dashboard's days or weeks) is
whole UTC days, each inside one bucket, and pieces of the days that a boundary cuts. The whole
days' values are read from their rows (one query), the pieces' from the clocks (one query, and
none for a reader in UTC), and the drills' values in the whole days taken out again (one query
of the few drills' clocks); each group's values are joined and ranked at the nearest rank, as
`stats` ranks them (`at_ranks`). The counts stay the database's (stats.grouped), as SQLite keeps
its one read of the clocks."""

import math
from bisect import bisect_right
from datetime import UTC, datetime, time, timedelta

from django.db import connections
from django.db.models import Q

from .. import ranks
from ..models import DayFigures, TicketClock
from . import stats, tickets

DAY = timedelta(days=1)
# The group columns a grouping may ask for, from a day's row or a clock's.
GROUP_COLUMNS = ("team_id", "priority", "bucket")


def grouped(rows, period, groupings, counts, ends=(), by_days=None):
    """stats.grouped of `rows` (reports.tickets.counted(period), a bucket annotated when a
    grouping asks for it) with the percentiles of ranks.TIMES ranked from the days on
    PostgreSQL (`by_days`: True or False to choose, as the tests do on both databases).
    `ends`: the buckets' end instants (trends.bucket_ends), the last bucket open."""
    if by_days is None:
        by_days = connections[rows.db].vendor == "postgresql"
    if not by_days:
        return stats.grouped(rows, groupings, counts)
    found = _counted(rows, groupings, counts)
    values, drills = _values(rows, period, groupings, ends)
    for name, (_group, asks) in groupings.items():
        for key, cells in found[name].items():
            for figure, (column, fractions) in asks.items():
                runs = values[name].get(key, {}).get(column, [])
                left_out = drills[name].get(key, {}).get(column, [])
                cells[figure] = at_ranks(runs, left_out, fractions)
    return found


def _counted(rows, groupings, counts):
    """stats.grouped's counts of each grouping, with no percentile: counted by the database
    per group of every grouping's columns at once (a plain GROUP BY, which PostgreSQL hashes
    in parallel workers, where GROUPING SETS of the dashboard's two groupings ran in one
    process), then added up per grouping here (counts and sums add up; the finest groups are
    a few hundred)."""
    columns = []
    for group, _asks in groupings.values():
        columns += [g for g in group if g not in columns]
    finest = stats.grouped(rows, {"finest": (tuple(columns), {})}, counts)["finest"]
    found = {name: {} for name in groupings}
    for cells in finest.values():
        for name, (group, _asks) in groupings.items():
            key = tuple(cells[g] for g in group)
            into = found[name].get(key)
            if into is None:
                found[name][key] = {**{g: cells[g] for g in group}, **{c: cells[c] for c in counts}}
            else:
                for count in counts:
                    into[count] += cells[count]
    return found


def at_ranks(runs, left_out, fractions):
    """The values at the nearest ranks of `fractions` (stats.at_rank) of the values packed in
    `runs` (bytes, ranks.pack's) less one of each value in `left_out`, as integers (None for
    no values).

    By numpy: a quarter's ~240,000 values of each of four times, in ~90 sorted runs per group,
    took ~120 ms to join, sort and rank in Python and take ~10 ms here (docs/benchmarks.md).
    Imported here, not with the module: only the processes that serve a report load it
    (~20 MB), not every web worker."""
    import numpy

    values = numpy.frombuffer(b"".join(runs), dtype="<i4")
    if left_out:
        values = _less(numpy.sort(values), sorted(left_out))
    if not len(values):
        return [None] * len(fractions)
    at = [max(math.ceil(f * len(values)), 1) - 1 for f in fractions]
    chosen = values if left_out else numpy.partition(values, at)
    return [int(chosen[i]) for i in at]


def _less(ordered, left_out):
    """`ordered` (a sorted array) with one of each value of `left_out` (sorted) taken out,
    where it is there."""
    import numpy

    keep = numpy.ones(len(ordered), dtype=bool)
    for value, at in zip(left_out, numpy.searchsorted(ordered, left_out), strict=True):
        while at < len(ordered) and ordered[at] == value and not keep[at]:
            at += 1  # a value left out twice: the next of its copies
        if at < len(ordered) and ordered[at] == value:
            keep[at] = False
    return ordered[keep]


def bucket_index(ends, instant):
    """The bucket of `instant`, as trends.bucket_of's SQL finds it."""
    return min(bisect_right(ends, instant), len(ends) - 1) if ends else 0


def _values(rows, period, groupings, ends):
    """({grouping: {group key: {column: [packed runs of values]}}}, the same of the drills'
    values to leave out, as plain values): the whole days' rows, the pieces' clocks, the
    drills' clocks, gathered per finest group (team, priority, bucket) then per grouping."""
    asked = {column for _group, asks in groupings.values() for column, _f in asks.values()}
    columns = [column for column in ranks.TIMES if column in asked]
    whole, pieces = split(period, ends)
    finest = {}  # (team, priority, bucket): [runs of each column]

    def runs_of(key):
        found = finest.get(key)
        if found is None:
            found = finest[key] = [[] for _ in columns]
        return found

    bucket_of_day = {
        day: bucket_index(ends, datetime.combine(day, time(), tzinfo=UTC)) for day in whole
    }
    days = DayFigures.objects.using(rows.db).filter(day__in=whole)
    if period.teams is not None:
        days = days.filter(team__in=period.teams)
    if period.priority:
        days = days.filter(priority=period.priority)
    for day, team, priority, *blobs in days.values_list("day", "team", "priority", *columns):
        key = (team or None, priority, bucket_of_day[day])
        for runs, blob in zip(runs_of(key), blobs, strict=True):
            runs.append(blob)
    if pieces:
        within = Q()
        for start, end in pieces:
            within |= Q(deadline__gte=start, deadline__lt=end)
        loose = {}
        for deadline, team_id, priority, *times in rows.filter(within).values_list(
            "deadline", "team_id", "priority", *columns
        ):
            ranks.gather(loose, (team_id, priority, bucket_index(ends, deadline)), times)
        for key, of_key in loose.items():
            for runs, values in zip(runs_of(key), of_key, strict=True):
                runs.append(ranks.pack(values))
    drills = {}
    for key, times in _drills(rows, period, whole, columns, ends):
        ranks.gather(drills, key, times)
    return _per_grouping(finest, groupings, columns), _per_grouping(drills, groupings, columns)


def _per_grouping(finest, groupings, columns):
    """{grouping: {group key: {column: the lists of its finest groups, joined}}}."""
    found = {name: {} for name in groupings}
    for key, lists in finest.items():
        for name, (group, asks) in groupings.items():
            of_group = found[name].setdefault(tuple(key[GROUP_COLUMNS.index(g)] for g in group), {})
            for column, _fractions in asks.values():
                of_group.setdefault(column, []).extend(lists[columns.index(column)])
    return found


def _drills(rows, period, whole, columns, ends):
    """(finest group key, the times of `columns`) of the drills in the whole days read, which
    the days hold like any ticket and a report leaves out: a few rows (ticket_drill_idx),
    read with the drill flag as it is now."""
    if not whole:
        return
    drills = period.narrow(
        TicketClock.objects.using(rows.db).filter(tickets.drills("ticket")), drills=False
    )
    starts = datetime.combine(whole[0], time(), tzinfo=UTC)
    ends_at = datetime.combine(whole[-1], time(), tzinfo=UTC) + DAY
    in_days = set(whole)
    for deadline, team_id, priority, *times in drills.filter(
        deadline__gte=starts, deadline__lt=ends_at
    ).values_list("deadline", "team_id", "priority", *columns):
        if deadline.astimezone(UTC).date() in in_days:
            yield (team_id, priority, bucket_index(ends, deadline)), times


def split(period, ends=()):
    """(the UTC days wholly inside the period and inside one bucket, [(start, end)] of the
    pieces of the others within the period, adjacent pieces joined)."""
    inside = [end for end in ends if period.start < end < period.end]
    first = period.start.astimezone(UTC).date()
    last = (period.end - timedelta(microseconds=1)).astimezone(UTC).date()
    whole, pieces = [], []
    day = first
    while day <= last:
        start = datetime.combine(day, time(), tzinfo=UTC)
        end = start + DAY
        cut = any(start < boundary < end for boundary in inside)
        if start >= period.start and end <= period.end and not cut:
            whole.append(day)
        else:
            piece = (max(start, period.start), min(end, period.end))
            if pieces and pieces[-1][1] == piece[0]:
                piece = (pieces.pop()[0], piece[1])
            pieces.append(piece)
        day += DAY
    return whole, pieces
