"""Holidays: the runs of closed days they make, and the closed form with them taken out."""

from bisect import bisect_left, bisect_right
from datetime import date
from typing import NamedTuple

from .errors import NeverOpens
from .instants import DAY_US
from .week import WeekTable

# A walk that meets this many consecutive closed days gives up: the calendar
# is treated as never opening again (about ten years).
MAX_IDLE_DAYS = 3660


class HolidayRuns(NamedTuple):
    """Runs of closed days around the holidays, as wall positions (sorted).

    ``firsts``/``ends`` are wall positions of each run's first midnight and the midnight
    after it (holidays on weekdays without hours are left out, and runs separated only by
    such weekdays are joined); ``cumulative[j]`` is the nominal business time of the runs
    before ``j``; ``idle[j]`` is ``(first, end)`` of the closed stretch (extended over
    adjacent closed weekdays), in day ordinals.
    """

    firsts: tuple[int, ...]
    ends: tuple[int, ...]
    cumulative: tuple[int, ...]
    idle: tuple[tuple[int, int], ...]

    @classmethod
    def of(cls, holidays: frozenset[date], week: WeekTable) -> "HolidayRuns":
        """The runs of ``holidays`` on a calendar with the hours of ``week``."""
        open_days = [bool(day) for day in week.days]
        ordinals = sorted(d.toordinal() for d in holidays if open_days[d.weekday()])
        runs: list = []
        for ordinal in ordinals:
            if runs:
                gap = range(runs[-1][1], ordinal)
                if not any(open_days[(o - 1) % 7] for o in gap):
                    runs[-1][1] = ordinal + 1
                    continue
            runs.append([ordinal, ordinal + 1])
        firsts = [(a - 1) * DAY_US for a, _ in runs]
        ends = [(b - 1) * DAY_US for _, b in runs]
        cumulative = [0]
        idle = []
        for (a, b), first, end in zip(runs, firsts, ends, strict=True):
            cumulative.append(cumulative[-1] + week.nominal(end) - week.nominal(first))
            while not open_days[(a - 2) % 7]:
                a -= 1
            while not open_days[(b - 1) % 7]:
                b += 1
            idle.append((a, b))
        return cls(tuple(firsts), tuple(ends), tuple(cumulative), tuple(idle))

    def business(self, week: WeekTable, x: int) -> int:
        """Business microseconds from the epoch to wall position ``x``, holidays taken out."""
        firsts = self.firsts
        j = bisect_right(self.ends, x)
        holiday = self.cumulative[j]
        if j < len(firsts) and firsts[j] < x:
            holiday += week.nominal(x) - week.nominal(firsts[j])
        return week.nominal(x) - holiday

    def spend_forward(self, week: WeekTable, pos: int, stop: int, rem: int):
        """Spend ``rem`` from wall position ``pos`` up to ``stop``: (x, 0) or (None, left)."""
        firsts, ends, idle = self.firsts, self.ends, self.idle
        j = bisect_right(ends, pos)
        while True:
            if j < len(firsts) and firsts[j] <= pos:  # inside a run of holidays
                check_idle(idle[j], pos, forward=True)
                pos = ends[j]
                j += 1
                if pos >= stop:
                    return None, rem
                continue
            seg_end = stop if j >= len(firsts) else min(firsts[j], stop)
            here = week.nominal(pos)
            capacity = week.nominal(seg_end) - here
            if rem <= capacity:
                return week.first_reaching(here + rem), 0
            rem -= max(capacity, 0)
            if seg_end >= stop:
                return None, rem
            pos = seg_end

    def spend_backward(self, week: WeekTable, pos: int, stop: int, rem: int):
        """Spend ``rem`` going back from wall position ``pos`` to no earlier than ``stop``."""
        firsts, ends, idle = self.firsts, self.ends, self.idle
        j = bisect_left(firsts, pos) - 1
        while True:
            if j >= 0 and pos <= ends[j]:  # inside a run of holidays (or at its end)
                check_idle(idle[j], pos, forward=False)
                pos = firsts[j]
                j -= 1
                if pos <= stop:
                    return None, rem
                continue
            seg_start = stop if j < 0 else max(ends[j], stop)
            here = week.nominal(pos)
            capacity = here - week.nominal(seg_start)
            if rem <= capacity:
                return week.last_at(here - rem), 0
            rem -= max(capacity, 0)
            if seg_start <= stop:
                return None, rem
            pos = seg_start


NO_RUNS = HolidayRuns((), (), (0,), ())


def check_idle(idle: tuple[int, int], pos: int, forward: bool) -> None:
    """Raise NeverOpens if the closed stretch ``idle`` lasts MAX_IDLE_DAYS from ``pos`` on."""
    first, end = idle
    # Forward: the days from the one holding ``pos``; backward: up to the one before ``pos``.
    here = pos // DAY_US + 1 if forward else (pos - 1) // DAY_US + 2
    days = end - max(first, here) if forward else min(end, here) - first
    if days >= MAX_IDLE_DAYS:
        if forward:
            since = date.fromordinal(max(first, here))
            raise NeverOpens(
                f"the calendar never opens again after {since.isoformat()} "
                f"(closed {days} days in a row)"
            )
        until = date.fromordinal(min(end, here) - 1)
        raise NeverOpens(
            f"the calendar is never open before {until.isoformat()} (closed {days} days in a row)"
        )
