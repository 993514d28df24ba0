"""``Calendar``: business time on one calendar, DST-exact (conventions in the package doc)."""

import operator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from .errors import NeverOpens, OutOfRange
from .holidays import NO_RUNS, HolidayRuns
from .instants import DAY_US, US, WALL_MAX, from_us, to_us, utc, year_of
from .week import Interval, WeekTable, merge, week_of
from .zones import (
    NONE_AHEAD,
    NONE_BEHIND,
    ChangeDays,
    boundary,
    change_days,
    horizon_ahead,
    horizon_behind,
    instant_of,
    wall_of,
    zone_named,
)

_INF = float("inf")

Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class Calendar:
    """Weekly opening hours in one IANA time zone, minus holidays."""

    timezone: str
    intervals: tuple[Interval, ...]
    holidays: frozenset[date] = frozenset()
    week: WeekTable = field(init=False, repr=False, compare=False)
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)
    _runs: HolidayRuns = field(init=False, repr=False, compare=False)
    _cache: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        """Validate the fields and precompute the week table and holiday runs."""
        try:
            key = tuple(tuple(item) for item in self.intervals)
        except TypeError:
            key = None
        if key is not None and all(type(v) is int for item in key for v in item):
            intervals, week = week_of(key)  # calendars are often rebuilt from JSON
        else:
            intervals, week = week_of.__wrapped__(self.intervals)
        # Normalised in place so that lists from JSON snapshots stay hashable.
        object.__setattr__(self, "intervals", intervals)
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "_zone", zone_named(self.timezone))
        object.__setattr__(self, "week", week)
        object.__setattr__(self, "_cache", {})
        runs = HolidayRuns.of(self.holidays, week) if self.holidays else NO_RUNS
        object.__setattr__(self, "_runs", runs)

    def add(self, start: datetime, seconds: int) -> datetime:
        """Return ``start`` moved by ``seconds`` of business time (negative walks back).

        Raises ``NeverOpens`` if the calendar has no hours or never opens again,
        ``OutOfRange`` (a ``NeverOpens``) if the result is beyond the datetime range.
        """
        moment = utc(start)
        seconds = operator.index(seconds)
        if seconds == 0:
            return moment
        if not self.week.total:
            raise NeverOpens("no business hours in the calendar")
        try:
            t = to_us(moment)
            if seconds > 0:
                result = self._add_forward(t, seconds * US)
            else:
                result = self._add_backward(t, -seconds * US)
            return from_us(result)
        except OverflowError as exc:
            if isinstance(exc, OutOfRange):
                raise
            raise OutOfRange(
                f"adding {seconds} business seconds to {moment.isoformat()} "
                "leaves the datetime range (years 1-9999)"
            ) from exc

    def duration_between(self, start: datetime, end: datetime) -> timedelta:
        """Exact business time in ``[start, end)``; negative if ``end < start``."""
        first, last = to_us(utc(start)), to_us(utc(end))
        if last < first:
            return -timedelta(microseconds=self._duration_us(last, first))
        return timedelta(microseconds=self._duration_us(first, last))

    def between(self, start: datetime, end: datetime) -> int:
        """Return business seconds in ``[start, end)``, truncated toward zero."""
        first, last = to_us(utc(start)), to_us(utc(end))
        if last < first:
            return -(self._duration_us(last, first) // US)
        return self._duration_us(first, last) // US

    def next_opening(self, at: datetime) -> datetime | None:
        """Return ``at`` if open, else the next opening; None if it never opens."""
        t = to_us(utc(at))
        if not self.week.total:
            return None
        try:
            # One microsecond of business time ends one microsecond after the opening.
            return from_us(self._add_forward(t, 1) - 1)
        except NeverOpens:
            return None
        except OverflowError:
            return None

    def is_open(self, at: datetime, *, include_close: bool = False) -> bool:
        """Tell whether ``at`` lies in an opening interval ``[start, end)``.

        With ``include_close`` the closing instant counts too (``[start, end]``),
        which is where a positive ``add`` may land.
        """
        t = to_us(utc(at))
        if not self.week.total:
            return False
        try:
            if self._add_forward(t, 1) == t + 1:
                return True
        except (NeverOpens, OverflowError):
            pass  # closed from here on, but ``t`` may still be a closing
        try:
            return include_close and self._add_backward(t, 1) == t - 1
        except (NeverOpens, OverflowError):
            return False

    def day_spans(self, day: date) -> tuple[Span, ...]:
        """Return the UTC opening spans of one local date, sorted and disjoint."""
        return tuple(
            (from_us(begin), from_us(end)) for begin, end in self._day_spans_us(day.toordinal())
        )

    # Instants (``t``) are microseconds since 0001-01-01 UTC, wall positions (``x``, ``pos``)
    # microseconds since 0001-01-01 00:00 local time. Away from offset changes, the week
    # table and the holiday runs answer in closed form on the wall clock; the dates around a
    # change that touches an interval are converted span by span.

    def _add_forward(self, t: int, rem: int) -> int:
        """The instant after spending ``rem`` microseconds of business time from instant ``t``."""
        while True:
            # Look for offset changes about as many years ahead as ``rem`` may last.
            reach = min(rem // (52 * self.week.total) + 2, 256)
            begin, end, first_day, last_day = self._next_change(t, reach)
            if first_day is not None and begin <= t < end:
                frontier = t
                for day in range(first_day, last_day):
                    for b, f in self._day_spans_us(day):
                        b = max(b, frontier)
                        if b < f:
                            if rem <= f - b:
                                return b + rem
                            rem -= f - b
                            frontier = f
                t = end
                continue
            if first_day is not None:
                stop = (first_day - 1) * DAY_US
            elif end == _INF:
                stop = WALL_MAX
            else:
                stop = wall_of(self._zone, end)
            x, rem = self._runs.spend_forward(self.week, wall_of(self._zone, t), stop, rem)
            if x is not None:
                return instant_of(self._zone, x)
            if end == _INF:
                raise OutOfRange("the business time ends after datetime.max")
            t = begin

    def _add_backward(self, t: int, rem: int) -> int:
        """The instant ``rem`` microseconds of business time before instant ``t``."""
        while True:
            # Look for offset changes about as many years ahead as ``rem`` may last.
            reach = min(rem // (52 * self.week.total) + 2, 256)
            begin, end, first_day, last_day = self._prev_change(t, reach)
            if first_day is not None and begin < t <= end:
                frontier = t
                for day in range(last_day - 1, first_day - 1, -1):
                    for b, f in reversed(self._day_spans_us(day)):
                        f = min(f, frontier)
                        if b < f:
                            if rem <= f - b:
                                return f - rem
                            rem -= f - b
                            frontier = b
                t = begin
                continue
            if first_day is not None:
                stop = (last_day - 1) * DAY_US
            elif begin == -_INF:
                stop = 0
            else:
                stop = wall_of(self._zone, begin)
            x, rem = self._runs.spend_backward(self.week, wall_of(self._zone, t), stop, rem)
            if x is not None:
                return instant_of(self._zone, x)
            if begin == -_INF:
                raise OutOfRange("the business time starts before datetime.min")
            t = end

    def _duration_us(self, t: int, last: int) -> int:
        """Business microseconds in ``[t, last)``, ``t <= last``."""
        if not self.week.total:
            return 0
        total = 0
        reach = year_of(last) - year_of(t) + 1
        while t < last:
            begin, end, first_day, last_day = self._next_change(t, reach)
            if first_day is not None and begin <= t < end:
                frontier = t
                stop = min(end, last)
                for day in range(first_day, last_day):
                    for b, f in self._day_spans_us(day):
                        b, f = max(b, frontier), min(f, stop)
                        if b < f:
                            total += f - b
                            frontier = f
                t = end
                continue
            if last <= begin:
                x_end = wall_of(self._zone, last)
            elif first_day is not None:
                x_end = (first_day - 1) * DAY_US
            else:
                x_end = wall_of(self._zone, begin)
            runs, week = self._runs, self.week
            total += max(
                runs.business(week, x_end) - runs.business(week, wall_of(self._zone, t)), 0
            )
            t = min(last, begin)
        return total

    def _next_change(self, t: int, reach: int = 1) -> ChangeDays:
        """The first dates around an offset change ending after instant ``t``, or a horizon.

        Offset changes are looked up ``reach`` UTC years ahead; if none counts, the answer
        is a horizon to ask again at.
        """
        year = year_of(t)
        last = min(year + reach, 9998)
        for y in range(year - 1, last + 1):
            for change in self._changes_of(y):
                if change.end > t:
                    return change
        if last >= 9998:
            return NONE_AHEAD
        return horizon_ahead(last)

    def _prev_change(self, t: int, reach: int = 1) -> ChangeDays:
        """The last dates around an offset change beginning before instant ``t``, or a horizon."""
        year = year_of(t)
        first = max(year - reach, 2)
        for y in range(year + 1, first - 1, -1):
            for change in reversed(self._changes_of(y)):
                if change.begin < t:
                    return change
        if first <= 2:
            return NONE_BEHIND
        return horizon_behind(first)

    def _changes_of(self, year: int) -> tuple[ChangeDays, ...]:
        """The dates around the offset changes of one UTC year that touch an interval."""
        key = ("year", year)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = change_days(self._zone, self.week.days, year)
        return found

    def _day_spans_us(self, ordinal: int) -> tuple:
        """The spans of one local date (by ordinal) as microsecond instants."""
        key = ordinal
        found = self._cache.get(key)
        if found is None:
            day = date.fromordinal(ordinal)
            local = () if day in self.holidays else self.week.days[day.weekday()]
            base = (ordinal - 1) * DAY_US
            zone = self._zone
            spans = [
                (boundary(zone, base + s * US, closing=False), boundary(zone, base + e * US, True))
                for s, e in local
            ]
            # Around a fall-back, spans of one day can overlap in real time.
            found = merge(sorted(span for span in spans if span[0] < span[1]))
            self._cache[key] = found
        return found
