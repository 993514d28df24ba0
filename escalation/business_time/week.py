"""The weekly opening hours: validated intervals, merged per weekday, and the week table.

The table turns "business time up to a wall-clock position" into a closed form: whole weeks
times the week's business time, plus a bisection in the sorted intervals of the week.
"""

import operator
from bisect import bisect_left, bisect_right
from functools import lru_cache
from typing import NamedTuple

from .instants import DAY_SECONDS, US, WEEK_US

Interval = tuple[int, int, int]
Day = tuple[tuple[int, int], ...]


class WeekTable(NamedTuple):
    """A week's merged opening intervals, and the same as one sorted table in microseconds.

    ``starts``/``ends`` are offsets from Monday 00:00 on the wall clock; ``before[i]`` and
    ``after[i]`` the business microseconds of the week before and after interval ``i``;
    ``total`` those of the whole week (0: the calendar never opens).
    """

    days: tuple[Day, ...]  # merged (start, end) seconds of each weekday, Monday first
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    before: tuple[int, ...]
    after: tuple[int, ...]
    total: int

    @classmethod
    def of(cls, days: tuple[Day, ...]) -> "WeekTable":
        """The table of ``days``: merged ``(start, end)`` seconds per weekday."""
        starts, ends, before, after = [], [], [], []
        total = 0
        for weekday, day in enumerate(days):
            for s, e in day:
                start, end = (weekday * DAY_SECONDS + s) * US, (weekday * DAY_SECONDS + e) * US
                starts.append(start)
                ends.append(end)
                before.append(total)
                total += end - start
                after.append(total)
        return cls(days, tuple(starts), tuple(ends), tuple(before), tuple(after), total)

    # A wall-clock position is microseconds since 0001-01-01 00:00 (a Monday). The three
    # lookups below run several times per addition: each reads its fields once, into locals.

    def nominal(self, x: int) -> int:
        """Business microseconds from the epoch to wall position ``x`` (no holidays)."""
        starts, total = self.starts, self.total
        q, p = divmod(x, WEEK_US)
        i = bisect_right(starts, p) - 1
        if i < 0:
            return q * total
        return q * total + self.before[i] + min(p, self.ends[i]) - starts[i]

    def first_reaching(self, c: int) -> int:
        """The first wall position where ``nominal`` reaches ``c`` (a closing if flat there)."""
        before = self.before
        q, r = divmod(c, self.total)
        if r == 0:
            q, r = q - 1, self.total
        i = bisect_left(self.after, r)
        return q * WEEK_US + self.starts[i] + r - before[i]

    def last_at(self, c: int) -> int:
        """The last wall position where ``nominal`` is still ``c`` (an opening if flat there)."""
        before = self.before
        q, r = divmod(c, self.total)
        i = bisect_right(before, r) - 1
        return q * WEEK_US + self.starts[i] + r - before[i]


@lru_cache(maxsize=1024)
def week_of(items) -> tuple[tuple[Interval, ...], WeekTable]:
    """The validated intervals and their week table (cached: calendars are often rebuilt)."""
    intervals = tuple(checked_interval(item) for item in items)
    days = tuple(
        merge(sorted((s, e) for d, s, e in intervals if d == weekday)) for weekday in range(7)
    )
    return intervals, WeekTable.of(days)


def checked_interval(item) -> Interval:
    """Return one ``(weekday, start, end)`` triple as ints, or raise ValueError."""
    try:
        weekday, start, end = (operator.index(v) for v in item)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"interval {item!r} is not (weekday, start, end) integers") from exc
    if not 0 <= weekday <= 6:
        raise ValueError(f"interval {item!r}: weekday must be 0 (Monday) to 6")
    if not 0 <= start < end <= DAY_SECONDS:
        raise ValueError(f"interval {item!r}: need 0 <= start < end <= {DAY_SECONDS}")
    return weekday, start, end


def merge(pairs: list) -> tuple:
    """Merge sorted ``(start, end)`` pairs that overlap or touch."""
    merged: list = []
    for start, end in pairs:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)
