"""Each UTC day's report figures per team and priority, sorted (models.DayFigures), kept in
step with the clocks: the percentiles of a long period are ranked from them on PostgreSQL
(reports/ranks.py; docs/reports.md, "Percentiles from sorted days").

When a change moves a clock's times to acknowledge or resolve, or what a report counts it by
(its deadline, team or priority), `keep` rebuilds the days it left and joined **from the clocks
themselves**, under each day's row lock: nothing is added or taken away by difference, so a day
is always what its clocks say as of the last change that touched it, whatever ran beside it.
A new ticket, an escalation, a reprioritised ticket not yet acknowledged: no figure moved, no
day is read."""

import sys
from array import array
from datetime import UTC, datetime, time, timedelta
from functools import reduce
from operator import or_

from django.db import router, transaction
from django.db.models import Q

from dbtools import rows

from . import figures

# The clock's figures kept per day, in this order (reports.tickets.TIMES).
TIMES = figures.FIELDS[2:]
_SWAP = sys.byteorder != "little"  # packed little-endian on every machine
assert array("i").itemsize == 4  # noqa: S101 (the packing's width: PositiveIntegerField's range)
# Days rebuilt per statement: a move of many tickets at once touches many days.
CHUNK = 200


def pack(values):
    """Values (whole seconds) as bytes of 32-bit integers in ascending order."""
    packed = array("i", sorted(values))
    if _SWAP:
        packed.byteswap()
    return packed.tobytes()


def unpack(blob):
    """The values `pack` packed, in ascending order, as an array of integers."""
    values = array("i")
    values.frombytes(blob)
    if _SWAP:
        values.byteswap()
    return values


def counted_as(clock):
    """(the day a clock counts in, its times) as DayFigures keeps it, or None: a clock with no
    deadline or with no time yet is in no day. Drills are kept like any ticket (a ticket's
    drill flag is read when a report reads the days: reports/ranks.py takes them out)."""
    times = tuple(getattr(clock, name) for name in TIMES)
    if clock.deadline is None or times == (None,) * len(TIMES):
        return None
    return day_of(clock.deadline, clock.team_id, clock.priority), times


def day_of(deadline, team_id, priority):
    return deadline.astimezone(UTC).date(), team_id or 0, priority


def moved_days(before, after):
    """The days to rebuild when a clock went from `before` to `after` (counted_as's)."""
    if before == after:
        return set()
    return {kept[0] for kept in (before, after) if kept is not None}


def clock_deleted(sender, instance, using, **kwargs):
    """post_delete of a TicketClock (its ticket deleted): rebuild the day it counted in."""
    kept = counted_as(instance)
    if kept is not None:
        keep({kept[0]}, using=using)


def keep(days, using=None):
    """Rebuild `days` ((day, team, priority)) from the clocks, in the caller's transaction.

    Each day's row is taken first, in one upsert, in key order (a new day inserted, an existing
    one updated to itself): its row lock, held to the end of the transaction, orders every
    writer of the day, and a writer that takes it after another reads the clocks that one
    committed (each statement's snapshot, READ COMMITTED; SQLite has one writer at a time).
    Then one read of the days' clocks (clock_report_idx) and one UPDATE of the days."""
    from .models import DayFigures, TicketClock

    alias = using or router.db_for_write(DayFigures)
    days = sorted(days)
    with transaction.atomic(using=alias):
        for start in range(0, len(days), CHUNK):
            _rebuild(DayFigures, TicketClock, days[start : start + CHUNK], alias)


def _rebuild(DayFigures, TicketClock, days, alias):
    held = DayFigures.objects.using(alias).bulk_create(
        [DayFigures(day=day, team=team, priority=priority) for day, team, priority in days],
        update_conflicts=True,
        unique_fields=["day", "team", "priority"],
        update_fields=["day"],
    )
    clocks = TicketClock.objects.using(alias).filter(reduce(or_, map(_clocks_of, days)))
    values = {key: [[] for _ in TIMES] for key in days}  # a day its clocks left: emptied
    for deadline, team_id, priority, *times in clocks.values_list(
        "deadline", "team_id", "priority", *TIMES
    ):
        gather(values, day_of(deadline, team_id, priority), times)
    packed = {key: _packed(of_day) for key, of_day in values.items()}
    if all(row.pk is not None for row in held):
        rows.update_each(
            DayFigures, {row.pk: packed[(row.day, row.team, row.priority)] for row in held}
        )
        return
    for (day, team, priority), blobs in packed.items():  # no ids back (older SQLite)
        DayFigures.objects.using(alias).filter(day=day, team=team, priority=priority).update(
            **blobs
        )


def gather(found, key, times):
    """Add a clock's times (those it has) to the lists of `found[key]`, one list per time."""
    of_key = found.setdefault(key, [[] for _ in times])
    for values, value in zip(of_key, times, strict=True):
        if value is not None:
            values.append(value)


def _packed(of_day):
    """{time: packed values} of a day's values per time, in TIMES's order."""
    return dict(zip(TIMES, map(pack, of_day), strict=True))


def _clocks_of(key):
    day, team, priority = key
    start = datetime.combine(day, time(), tzinfo=UTC)
    team_is = Q(team__isnull=True) if team == 0 else Q(team_id=team)
    return Q(deadline__gte=start, deadline__lt=start + timedelta(days=1), priority=priority) & (
        team_is
    )


def rebuild_all(using=None, DayFigures=None, TicketClock=None):
    """Every day again from every clock: for the migration that adds them (with its models)
    and for bulk loads that write clocks directly (helpdesk.bench_data). Reads the clocks once,
    in chunks of the deadline's order."""
    if DayFigures is None:
        from .models import DayFigures, TicketClock
    alias = using or router.db_for_write(DayFigures)
    clocks = TicketClock.objects.using(alias).filter(deadline__isnull=False)
    clocks = clocks.filter(reduce(or_, (Q(**{f"{name}__isnull": False}) for name in TIMES)))
    found = {}
    for deadline, team_id, priority, *times in clocks.values_list(
        "deadline", "team_id", "priority", *TIMES
    ).iterator(chunk_size=20_000):
        gather(found, day_of(deadline, team_id, priority), times)
    with transaction.atomic(using=alias):
        DayFigures.objects.using(alias).all().delete()
        DayFigures.objects.using(alias).bulk_create(
            (
                DayFigures(
                    day=day,
                    team=team,
                    priority=priority,
                    **_packed(of_day),
                )
                for (day, team, priority), of_day in found.items()
            ),
            batch_size=1000,
        )
    return len(found)
