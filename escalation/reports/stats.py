"""Percentiles as docs/reports.md defines them: nearest rank, whole seconds; of a list, and
with counts per group of a queryset (`grouped`: by the database where it can)."""

import math
from operator import itemgetter

from django.db import connections, transaction
from django.db.models import Case, IntegerField, When

MEDIAN_AND_P90 = (0.5, 0.9)


def nearest_rank(values, fraction):
    """The value at rank ⌈fraction·n⌉ of `values` in ascending order (PostgreSQL's
    percentile_disc), or None for no values: the median is fraction 0.5, so of 4 values the
    2nd; p90 of 10 values is the 9th."""
    return at_rank(sorted(values), fraction)


def median_and_p90(values):
    return nearest_rank(values, 0.5), nearest_rank(values, 0.9)


class Total:
    """A cell of `grouped`'s counts that adds up a column of the rows instead of counting them."""

    def __init__(self, column):
        self.column = column


def grouped(rows, groupings, counts=None):
    """Counts and nearest-rank percentiles of queryset `rows`, per group of each grouping.

    `groupings`: {name: (group, asks)}, `group` a tuple of columns or annotations, `asks`
    {figure: (column, fractions)}; `counts`: {figure: a boolean expression, None to count
    every row, or a Total of a column}. Returns {name: {group key (tuple): {the group's
    columns, each count, and each figure: [value at each fraction] (None without values)}}}.

    Both databases read the rows once for every grouping. PostgreSQL counts and takes the
    percentiles itself in one query (GROUPING SETS, COUNT … FILTER, one percentile_disc over
    an array of fractions per column: one sort of it per group), so only the groups come back.
    SQLite has no percentile aggregate and its window functions sort the whole set once per
    figure, slower than reading it (measured in docs/benchmarks.md): there one query reads
    each row's group columns, counted conditions and the columns asked for, narrow and from a
    covering index, and Python counts and sorts."""
    counts = counts or {}
    if connections[rows.db].vendor == "postgresql":
        return _aggregated(rows, groupings, counts)
    return _read(rows, groupings, counts)


# The sort of a report's rows by group: a quarter at 1M tickets (~237,000 narrow rows) takes
# ~28 MB in memory, where the default 4 MB spills it to disk (faster in memory under load, the
# same when idle: docs/benchmarks.md). Set for the report's transaction alone (SET LOCAL), and
# reports are a supervisor's and a lead's pages, few at a time: a few such sorts per query, not
# per connection of the site. JIT off too, as a guard: a longer period's cost would start it,
# and its compilation cost a report more than it saved in an earlier measurement.
REPORT_WORK_MEM = "64MB"
# The planner cannot know how few groups a bucket expression makes (width_bucket of the
# deadline: it guesses one per two rows, 117,186 for the 504 of a quarter's weeks at 1M), so it
# prices passing them all between processes and ranks a parallel partial aggregation above a
# single process: 167 ms against 99 ms measured for the dashboard's count, idle. With the
# parallel costs at 0 for this query alone (SET LOCAL) it takes parallel workers wherever the
# range is large enough for them (min_parallel_index_scan_size still keeps small ones serial).


def _aggregated(rows, groupings, counts):
    fields, fractions = [], {}
    for group, asks in groupings.values():
        fields += [g for g in group if g not in fields]
        for column, wanted in asks.values():
            fractions[column] = sorted(set(fractions.get(column, ())) | set(wanted))
    query, params = _grouping_sets(rows, groupings, counts, fields, fractions)
    with transaction.atomic(using=rows.db), connections[rows.db].cursor() as cursor:
        cursor.execute(
            "SELECT set_config('work_mem', %s, true), set_config('jit', 'off', true), "
            "set_config('parallel_setup_cost', '0', true), "
            "set_config('parallel_tuple_cost', '0', true)",
            [REPORT_WORK_MEM],
        )
        cursor.execute(query, params)
        found_rows = cursor.fetchall()
        # SET LOCAL lasts to the end of the outermost transaction, and a caller's may go on
        # after the report; rolled back (the block only read), the settings go with it: the
        # same one statement as the commit or savepoint release it replaces.
        transaction.set_rollback(True, using=rows.db)
    # GROUPING(...)'s bit i is set when field i is not in the row's grouping set.
    bits = {
        sum(1 << (len(fields) - 1 - i) for i, f in enumerate(fields) if f not in group): name
        for name, (group, _asks) in groupings.items()
    }
    found = {name: {} for name in groupings}
    at = len(fields) + 1
    for row in found_rows:
        values = dict(zip(fields, row, strict=False))
        name = bits[row[len(fields)]]
        group, asks = groupings[name]
        result = found[name][tuple(values[g] for g in group)] = {g: values[g] for g in group}
        result.update(zip(counts, row[at : at + len(counts)], strict=True))
        ranked = dict(zip(fractions, row[at + len(counts) :], strict=True))
        for figure, (column, wanted) in asks.items():
            values_at = ranked[column] or [None] * len(fractions[column])
            result[figure] = [values_at[fractions[column].index(f)] for f in wanted]
    return found


def _grouping_sets(rows, groupings, counts, fields, fractions):
    """(SQL, params): the rows as Django writes them (filters, annotations), one column each,
    grouped by every grouping at once: the fields, GROUPING() of them, each count, then one
    percentile_disc over the fractions asked of each column."""
    flags = _flags(counts)
    totals = [c.column for c in counts.values() if isinstance(c, Total)]
    inner = rows.order_by().annotate(**flags).values_list(*fields, *flags, *totals, *fractions)
    sql, params = inner.query.sql_with_params()
    quote = connections[rows.db].ops.quote_name
    names = [*fields, *flags, *totals, *fractions]
    alias = {name: f"c{i}" for i, name in enumerate(names)}
    cells = []
    for name, condition in counts.items():
        if condition is None:
            cells.append("COUNT(*)")
        elif isinstance(condition, Total):
            cells.append(f"SUM({alias[condition.column]})")
        else:
            cells.append(f"COUNT(*) FILTER (WHERE {alias['_' + name]} = 1)")
    for column, wanted in fractions.items():
        ranks = ", ".join(str(float(f)) for f in wanted)
        cells.append(f"percentile_disc(ARRAY[{ranks}]) WITHIN GROUP (ORDER BY {alias[column]})")
    selected = ", ".join(alias[f] for f in fields)
    sets = ", ".join(f"({', '.join(alias[g] for g in group)})" for group, _ in groupings.values())
    query = (
        f"SELECT {selected}, GROUPING({selected}), {', '.join(cells)} "
        f"FROM ({sql}) AS s ({', '.join(quote(alias[n]) for n in names)}) "
        f"GROUP BY GROUPING SETS ({sets})"
    )
    return query, params


def _read(rows, groupings, counts):
    fields, columns = [], []
    for group, asks in groupings.values():
        fields += [g for g in group if g not in fields]
        columns += [c for c, _fractions in asks.values() if c not in columns]
    flags = _flags(counts)
    totals = [c.column for c in counts.values() if isinstance(c, Total)]
    names = [*fields, *flags, *totals, *columns]
    at = {name: i for i, name in enumerate(names)}
    # Read by the cursor: the columns are integers and short text, which need none of the
    # converters Django would run on each of ~26,000 rows (a fifth of the read, profiled).
    sql, params = rows.order_by().annotate(**flags).values_list(*names).query.sql_with_params()
    with connections[rows.db].cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    result = {}
    for name, (group, asks) in groupings.items():
        key = itemgetter(*[at[g] for g in group])
        members = {}
        for row in found:
            members.setdefault(key(row), []).append(row)
        result[name] = {}
        for k, of_group in members.items():
            k = k if len(group) > 1 else (k,)
            cells = result[name][k] = dict(zip(group, k, strict=True))
            for count, condition in counts.items():
                if condition is None:
                    cells[count] = len(of_group)
                    continue
                j = at[condition.column] if isinstance(condition, Total) else at[f"_{count}"]
                cells[count] = sum(r[j] for r in of_group)
            for figure, (column, fractions) in asks.items():
                j = at[column]
                values = sorted(v for r in of_group if (v := r[j]) is not None)
                cells[figure] = [at_rank(values, f) for f in fractions]
    return result


def _flags(counts):
    """1 or 0 per counted condition (integers: no converter runs on them for each row)."""
    return {
        f"_{name}": Case(When(condition, then=1), default=0, output_field=IntegerField())
        for name, condition in counts.items()
        if condition is not None and not isinstance(condition, Total)
    }


def at_rank(ordered, fraction):
    """nearest_rank of values already in ascending order (each group's are sorted once)."""
    if not ordered:
        return None
    return ordered[max(math.ceil(fraction * len(ordered)), 1) - 1]
