"""Percentiles as docs/reports.md defines them: nearest rank, whole seconds; of a list, and
with counts per group of a queryset (`grouped`: by the database where it can)."""

import math

from django.db import connections
from django.db.models import Aggregate, Case, Count, IntegerField, When

MEDIAN_AND_P90 = (0.5, 0.9)


def nearest_rank(values, fraction):
    """The value at rank ⌈fraction·n⌉ of `values` in ascending order (PostgreSQL's
    percentile_disc), or None for no values: the median is fraction 0.5, so of 4 values the
    2nd; p90 of 10 values is the 9th."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(math.ceil(fraction * len(ordered)), 1)
    return ordered[rank - 1]


def median_and_p90(values):
    return nearest_rank(values, 0.5), nearest_rank(values, 0.9)


class PercentileDisc(Aggregate):
    """PostgreSQL's percentile_disc: the value at rank ⌈fraction·n⌉ of the group's non-null
    values in ascending order, computed as nearest_rank computes it."""

    function = "percentile_disc"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = IntegerField()

    def __init__(self, expression, fraction, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def grouped(rows, groupings, counts=None):
    """Counts and nearest-rank percentiles of queryset `rows`, per group of each grouping.

    `groupings`: {name: (group, asks)}, `group` a tuple of columns or annotations, `asks`
    {figure: (column, fractions)}; `counts`: {figure: a boolean expression, or None to count
    every row}. Returns {name: {group key (tuple): {the group's columns, each count, and each
    figure: [value at each fraction] (None without values)}}}.

    PostgreSQL counts and takes the percentiles itself (COUNT … FILTER, percentile_disc), one
    query per grouping, so only the groups come back. SQLite has no percentile aggregate and
    its window functions sort the whole set once per figure, slower than reading it (measured
    in docs/benchmarks.md): there one query reads each row's group columns, counted conditions
    and the columns asked for, narrow and from covering indexes, and Python counts and sorts."""
    counts = counts or {}
    if connections[rows.db].vendor == "postgresql":
        return {name: _aggregated(rows, *grouping, counts) for name, grouping in groupings.items()}
    return _read(rows, groupings, counts)


def _aggregated(rows, group, asks, counts):
    cells = {name: Count("pk", filter=condition) for name, condition in counts.items()}
    names = {}
    for figure, (column, fractions) in asks.items():
        for j, fraction in enumerate(fractions):
            names[f"_{figure}_{j}"] = figure, j
            cells[f"_{figure}_{j}"] = PercentileDisc(column, fraction)
    found = {}
    for row in rows.order_by().values(*group).annotate(**cells):
        result = found[tuple(row[g] for g in group)] = {g: row[g] for g in group}
        result.update({name: row[name] for name in counts})
        for figure, (_column, fractions) in asks.items():
            result[figure] = [row[f"_{figure}_{j}"] for j in range(len(fractions))]
    return found


def _read(rows, groupings, counts):
    fields, columns = [], []
    for group, asks in groupings.values():
        fields += [g for g in group if g not in fields]
        columns += [c for c, _fractions in asks.values() if c not in columns]
    # 1 or 0 per counted condition (integers: no converter runs on them for each row).
    flags = {
        f"_{name}": Case(When(condition, then=1), default=0, output_field=IntegerField())
        for name, condition in counts.items()
        if condition is not None
    }
    names = [*fields, *flags, *columns]
    at = {name: i for i, name in enumerate(names)}
    plans = []
    for name, (group, _asks) in groupings.items():
        key = [at[g] for g in group]
        plans.append((name, key, {}))
    counted = [(i, at.get(f"_{count}")) for i, count in enumerate(counts)]
    taken = [(j, at[column]) for j, column in enumerate(columns)]
    for row in rows.order_by().annotate(**flags).values_list(*names):
        for _name, key, found in plans:
            group = found.get(k := tuple([row[i] for i in key]))
            if group is None:
                group = found[k] = ([0] * len(counted), [[] for _ in columns])
            tally, values = group
            for i, flag in counted:
                tally[i] += 1 if flag is None else row[flag]
            for j, column in taken:
                if row[column] is not None:
                    values[j].append(row[column])
    result = {}
    for name, _key, found in plans:
        group, asks = groupings[name]
        result[name] = {}
        for k, (tally, values) in found.items():
            cells = result[name][k] = dict(zip(group, k, strict=True))
            cells.update(zip(counts, tally, strict=True))
            for figure, (column, fractions) in asks.items():
                cells[figure] = [nearest_rank(values[columns.index(column)], f) for f in fractions]
    return result
