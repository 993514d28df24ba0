"""Business time: deadlines that only count the seconds a team is at work.

Pure standard library; no Django. All results are aware datetimes in UTC.

Model
-----
A ``Calendar`` lists weekly opening intervals in *local wall-clock* time
(``(weekday, start_second, end_second)``, Monday = 0, 86400 = 24:00) plus
holiday dates. For every local date, each (merged) opening interval is turned
into one real span of UTC instants by converting its wall-clock start and end
through the zone. Business time is the real time elapsed inside those spans,
so an interval 01:00-05:00 lasts 3 real hours on the night clocks spring
forward and 5 on the night they fall back.

Boundary conventions (how a wall-clock boundary becomes an instant):

* An opening time that occurs twice (clocks fall back; the "repeated hour"
  runs from the wall time the clocks go back *to*, up to the wall time they
  went back *from*) is read as its *first* occurrence.
* A closing time is read as its *second* occurrence only when it lies
  *strictly inside* the repeated hour. A closing time at the very start of the
  repeated hour is its first occurrence: the clock has shown nothing before it
  in the repeated hour, so nothing there is covered twice. (Berlin, 26 Oct
  2025: a shift closing at 02:00 closes at 02:00 CEST, not 02:00 CET; one
  closing at 02:30 closes at 02:30 CET; one closing at 03:00 is unambiguous.)
* A non-existent time (skipped when clocks spring forward) is the instant the
  clocks jump; an interval lying wholly inside the gap is therefore empty.
* So an interval covers every instant from the first moment the wall clock
  shows its start (or later) up to the closing instant chosen above.
* Intervals are half-open for ``is_open``/``between`` (``[start, end)``), but
  a positive ``add`` that exhausts its seconds exactly at a closing time
  returns that closing time (not the next opening), and a negative ``add``
  that exhausts them exactly at an opening time returns that opening time.
* ``between`` truncates fractional seconds toward zero; ``duration_between``
  and ``business_time_between`` are exact to the microsecond (sum pauses with
  them and round once); ``add`` keeps the microseconds of its start.

Errors
------
``add`` raises ``NeverOpens`` (a ``ValueError``) when the calendar has no
opening intervals or stays closed for ``MAX_IDLE_DAYS`` days in a row (a run
of holidays), and ``OutOfRange`` (a ``NeverOpens`` and an ``OverflowError``)
when the result would lie after ``datetime.max`` or before ``datetime.min``
(e.g. 2**31-1 s on a calendar open one hour a week: ~11,000 years).

Cost
----
Nothing walks day by day. Between two points, business time is a closed form
of the wall clock: whole weeks times the weekly business seconds, plus a
lookup in a table of the week, minus the holidays in between (a sorted list of
runs). Only the local dates around a UTC-offset change that touches an opening
interval (the transition's gap or repeated hour meets an interval, or an
interval begins or ends there) are converted span by span. Offset changes are
found by sampling each zone every 3 days and bisecting (cached per zone and
year), which is exact for tzdata since 1970 (offset changes are >= 7 days
apart); two changes within 3 days that cancel out would be missed.
"""

import operator
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

__all__ = [
    "Calendar",
    "NeverOpens",
    "OutOfRange",
    "add_business",
    "business_seconds_between",
    "business_time_between",
    "next_opening",
]

DAY_SECONDS = 86400
# A walk that meets this many consecutive closed days gives up: the calendar
# is treated as never opening again (about ten years).
MAX_IDLE_DAYS = 3660

US = 1_000_000
DAY_US = DAY_SECONDS * US
WEEK_US = 7 * DAY_US
_EPOCH = datetime(1, 1, 1, tzinfo=UTC)  # a Monday; instants are microseconds since it
_NAIVE_EPOCH = datetime(1, 1, 1)  # wall-clock positions are microseconds since it
_ONE_US = timedelta(microseconds=1)
_ONE_SECOND = timedelta(seconds=1)
_SAMPLE = timedelta(days=3)
_WALL_MAX = date.max.toordinal() * DAY_US  # end of 9999-12-31
_INF = float("inf")
# "No offset change before the end of time" (forward) / "since the beginning" (backward).
_NO_SPECIAL_AHEAD = (_INF, _INF, None, None)
_NO_SPECIAL_BEHIND = (-_INF, -_INF, None, None)

Span = tuple[datetime, datetime]


class NeverOpens(ValueError):
    """``add`` cannot spend its business time: no hours, or the calendar never opens again."""


class OutOfRange(NeverOpens, OverflowError):
    """The business time would end after ``datetime.max`` (or before ``datetime.min``)."""


@dataclass(frozen=True)
class Calendar:
    """Weekly opening hours in one IANA time zone, minus holidays."""

    timezone: str
    intervals: tuple[tuple[int, int, int], ...]
    holidays: frozenset[date] = frozenset()
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)
    _week: tuple[tuple[tuple[int, int], ...], ...] = field(init=False, repr=False, compare=False)
    _table: tuple = field(init=False, repr=False, compare=False)
    _runs: tuple = field(init=False, repr=False, compare=False)
    _cache: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        """Validate the fields and precompute the week table and holiday runs."""
        try:
            key = tuple(tuple(item) for item in self.intervals)
        except TypeError:
            key = None
        if key is not None and all(type(v) is int for item in key for v in item):
            intervals, week, table = _prepared(key)  # calendars are often rebuilt from JSON
        else:
            intervals, week, table = _prepared.__wrapped__(self.intervals)
        # Normalised in place so that lists from JSON snapshots stay hashable.
        object.__setattr__(self, "intervals", intervals)
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "_zone", _zone_named(self.timezone))
        object.__setattr__(self, "_week", week)
        object.__setattr__(self, "_table", table)
        object.__setattr__(self, "_cache", {})
        object.__setattr__(self, "_runs", _holiday_runs(self, week) if self.holidays else _NO_RUNS)

    # -- public API -----------------------------------------------------------

    def add(self, start: datetime, seconds: int) -> datetime:
        """Return ``start`` moved by ``seconds`` of business time (negative walks back).

        Raises ``NeverOpens`` if the calendar has no hours or never opens again,
        ``OutOfRange`` (a ``NeverOpens``) if the result is beyond the datetime range.
        """
        moment = _utc(start)
        seconds = operator.index(seconds)
        if seconds == 0:
            return moment
        if not self._table[4]:
            raise NeverOpens("no business hours in the calendar")
        try:
            t = _to_us(moment)
            if seconds > 0:
                result = self._add_forward(t, seconds * US)
            else:
                result = self._add_backward(t, -seconds * US)
            return _from_us(result)
        except OverflowError as exc:
            if isinstance(exc, OutOfRange):
                raise
            raise OutOfRange(
                f"adding {seconds} business seconds to {moment.isoformat()} "
                "leaves the datetime range (years 1-9999)"
            ) from exc

    def duration_between(self, start: datetime, end: datetime) -> timedelta:
        """Exact business time in ``[start, end)``; negative if ``end < start``."""
        first, last = _to_us(_utc(start)), _to_us(_utc(end))
        if last < first:
            return -timedelta(microseconds=self._duration_us(last, first))
        return timedelta(microseconds=self._duration_us(first, last))

    def between(self, start: datetime, end: datetime) -> int:
        """Return business seconds in ``[start, end)``, truncated toward zero."""
        first, last = _to_us(_utc(start)), _to_us(_utc(end))
        if last < first:
            return -(self._duration_us(last, first) // US)
        return self._duration_us(first, last) // US

    def next_opening(self, at: datetime) -> datetime | None:
        """Return ``at`` if open, else the next opening; None if it never opens."""
        t = _to_us(_utc(at))
        if not self._table[4]:
            return None
        try:
            # One microsecond of business time ends one microsecond after the opening.
            return _from_us(self._add_forward(t, 1) - 1)
        except NeverOpens:
            return None
        except OverflowError:
            return None

    def is_open(self, at: datetime, *, include_close: bool = False) -> bool:
        """Tell whether ``at`` lies in an opening interval ``[start, end)``.

        With ``include_close`` the closing instant counts too (``[start, end]``),
        which is where a positive ``add`` may land.
        """
        t = _to_us(_utc(at))
        if not self._table[4]:
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
            (_from_us(begin), _from_us(end)) for begin, end in self._day_spans_us(day.toordinal())
        )

    # -- closed form on the wall clock ----------------------------------------
    # A wall-clock position is microseconds since 0001-01-01 00:00 (a Monday).

    def _c(self, x: int) -> int:
        """Nominal business microseconds from the epoch to wall position ``x`` (no holidays)."""
        starts, ends, before, _, total = self._table
        q, p = divmod(x, WEEK_US)
        i = bisect_right(starts, p) - 1
        if i < 0:
            return q * total
        return q * total + before[i] + min(p, ends[i]) - starts[i]

    def _c_first(self, c: int) -> int:
        """The first wall position where ``_c`` reaches ``c`` (a closing if it is flat there)."""
        starts, _, before, after, total = self._table
        q, r = divmod(c, total)
        if r == 0:
            q, r = q - 1, total
        i = bisect_left(after, r)
        return q * WEEK_US + starts[i] + r - before[i]

    def _c_last(self, c: int) -> int:
        """The last wall position where ``_c`` is still ``c`` (an opening if it is flat there)."""
        starts, _, before, _, total = self._table
        q, r = divmod(c, total)
        i = bisect_right(before, r) - 1
        return q * WEEK_US + starts[i] + r - before[i]

    def _business(self, x: int) -> int:
        """Business microseconds from the epoch to wall position ``x``, holidays taken out."""
        firsts, ends, cumulative, _ = self._runs
        j = bisect_right(ends, x)
        holiday = cumulative[j]
        if j < len(firsts) and firsts[j] < x:
            holiday += self._c(x) - self._c(firsts[j])
        return self._c(x) - holiday

    def _regular_forward(self, pos: int, stop: int, rem: int):
        """Spend ``rem`` from wall position ``pos`` up to ``stop``: (x, 0) or (None, left)."""
        firsts, ends, _, idle = self._runs
        j = bisect_right(ends, pos)
        while True:
            if j < len(firsts) and firsts[j] <= pos:  # inside a run of holidays
                _check_idle(idle[j], pos, forward=True)
                pos = ends[j]
                j += 1
                if pos >= stop:
                    return None, rem
                continue
            seg_end = stop if j >= len(firsts) else min(firsts[j], stop)
            here = self._c(pos)
            capacity = self._c(seg_end) - here
            if rem <= capacity:
                return self._c_first(here + rem), 0
            rem -= max(capacity, 0)
            if seg_end >= stop:
                return None, rem
            pos = seg_end

    def _regular_backward(self, pos: int, stop: int, rem: int):
        """Spend ``rem`` going back from wall position ``pos`` to no earlier than ``stop``."""
        firsts, ends, _, idle = self._runs
        j = bisect_left(firsts, pos) - 1
        while True:
            if j >= 0 and pos <= ends[j]:  # inside a run of holidays (or at its end)
                _check_idle(idle[j], pos, forward=False)
                pos = firsts[j]
                j -= 1
                if pos <= stop:
                    return None, rem
                continue
            seg_start = stop if j < 0 else max(ends[j], stop)
            here = self._c(pos)
            capacity = here - self._c(seg_start)
            if rem <= capacity:
                return self._c_last(here - rem), 0
            rem -= max(capacity, 0)
            if seg_start <= stop:
                return None, rem
            pos = seg_start

    # -- walking ----------------------------------------------------------------

    def _add_forward(self, t: int, rem: int) -> int:
        """The instant after spending ``rem`` microseconds of business time from instant ``t``."""
        while True:
            # Look for offset changes about as many years ahead as ``rem`` may last.
            reach = min(rem // (52 * self._table[4]) + 2, 256)
            begin, end, first_day, last_day = self._next_special(t, reach)
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
                stop = _WALL_MAX
            else:
                stop = self._wall_of(end)
            x, rem = self._regular_forward(self._wall_of(t), stop, rem)
            if x is not None:
                return self._instant_of(x)
            if end == _INF:
                raise OutOfRange("the business time ends after datetime.max")
            t = begin

    def _add_backward(self, t: int, rem: int) -> int:
        """The instant ``rem`` microseconds of business time before instant ``t``."""
        while True:
            # Look for offset changes about as many years ahead as ``rem`` may last.
            reach = min(rem // (52 * self._table[4]) + 2, 256)
            begin, end, first_day, last_day = self._prev_special(t, reach)
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
                stop = self._wall_of(begin)
            x, rem = self._regular_backward(self._wall_of(t), stop, rem)
            if x is not None:
                return self._instant_of(x)
            if begin == -_INF:
                raise OutOfRange("the business time starts before datetime.min")
            t = end

    def _duration_us(self, t: int, last: int) -> int:
        """Business microseconds in ``[t, last)``, ``t <= last``."""
        if not self._table[4]:
            return 0
        total = 0
        reach = _year_of(last) - _year_of(t) + 1
        while t < last:
            begin, end, first_day, last_day = self._next_special(t, reach)
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
                x_end = self._wall_of(last)
            elif first_day is not None:
                x_end = (first_day - 1) * DAY_US
            else:
                x_end = self._wall_of(begin)
            total += max(self._business(x_end) - self._business(self._wall_of(t)), 0)
            t = min(last, begin)
        return total

    def _next_special(self, t: int, reach: int = 1):
        """The first converted range ending after instant ``t``, or a horizon to re-ask at.

        A range is ``(begin, end, first_day, last_day)``: instants of the local
        midnights that bound the days ``first_day <= ordinal < last_day`` whose
        spans are converted one by one. Offset changes are looked up ``reach``
        UTC years ahead; if none counts, the answer is a horizon: no days
        (``None``) and ``begin == end``, no range starts before it.
        """
        year = _year_of(t)
        last = min(year + reach, 9998)
        for y in range(year - 1, last + 1):
            for special in self._specials_of(y):
                if special[1] > t:
                    return special
        if last >= 9998:
            return _NO_SPECIAL_AHEAD
        horizon = _to_us(datetime(last + 1, 1, 1, tzinfo=UTC)) - 3 * DAY_US
        return (horizon, horizon, None, None)

    def _prev_special(self, t: int, reach: int = 1):
        """The last converted range beginning before instant ``t``, or a horizon."""
        year = _year_of(t)
        first = max(year - reach, 2)
        for y in range(year + 1, first - 1, -1):
            for special in reversed(self._specials_of(y)):
                if special[0] < t:
                    return special
        if first <= 2:
            return _NO_SPECIAL_BEHIND
        horizon = _to_us(datetime(first, 1, 1, tzinfo=UTC)) + 3 * DAY_US
        return (horizon, horizon, None, None)

    def _specials_of(self, year: int) -> tuple:
        """Converted ranges of the offset changes in one UTC year that touch an interval."""
        key = ("year", year)
        found = self._cache.get(key)
        if found is None:
            found = self._cache[key] = _specials(self._zone, self._week, year)
        return found

    def _day_spans_us(self, ordinal: int) -> tuple:
        """The spans of one local date (by ordinal) as microsecond instants."""
        key = ordinal
        found = self._cache.get(key)
        if found is None:
            day = date.fromordinal(ordinal)
            local = () if day in self.holidays else self._week[day.weekday()]
            base = (ordinal - 1) * DAY_US
            spans = [
                (self._boundary(base + s * US, closing=False), self._boundary(base + e * US, True))
                for s, e in local
            ]
            # Around a fall-back, spans of one day can overlap in real time.
            found = _merge(sorted(span for span in spans if span[0] < span[1]))
            self._cache[key] = found
        return found

    # -- conversions --------------------------------------------------------------

    def _wall_of(self, t: int) -> int:
        """The wall-clock position of instant ``t``."""
        offset = _from_us(t).astimezone(self._zone).utcoffset()
        return t + offset // _ONE_US

    def _instant_of(self, x: int) -> int:
        """The instant of an unambiguous, existing wall position ``x``."""
        wall = _NAIVE_EPOCH + timedelta(microseconds=x)
        return x - wall.replace(tzinfo=self._zone).utcoffset() // _ONE_US

    def _boundary(self, x: int, closing: bool) -> int:
        """Convert an interval boundary at wall position ``x`` by the module's conventions."""
        zone = self._zone
        wall = _NAIVE_EPOCH + timedelta(microseconds=x)
        before = wall.replace(tzinfo=zone).utcoffset() // _ONE_US
        after = wall.replace(tzinfo=zone, fold=1).utcoffset() // _ONE_US
        if before < after:
            # PEP 495: fold=0 offset < fold=1 offset only inside a spring-forward gap.
            return _jump_instant(zone, x - after, x - before, after)
        if before == after or not closing:
            return x - before
        second = x - after
        # Strictly inside the repeated hour iff the clocks already went back a moment earlier.
        if _offset_at(zone, second - 1) == after:
            return second
        return x - before


def add_business(calendar: Calendar | None, start: datetime, seconds: int) -> datetime:
    """Add business seconds; without a calendar, plain elapsed (UTC) seconds."""
    if calendar is None:
        return _utc(start) + timedelta(seconds=operator.index(seconds))
    return calendar.add(start, seconds)


def business_seconds_between(calendar: Calendar | None, start: datetime, end: datetime) -> int:
    """Business seconds in ``[start, end)``; without a calendar, elapsed seconds."""
    if calendar is None:
        elapsed = _utc(end) - _utc(start)
        # Truncate toward zero, as Calendar.between does.
        return elapsed // _ONE_SECOND if elapsed >= timedelta(0) else -(-elapsed // _ONE_SECOND)
    return calendar.between(start, end)


def business_time_between(calendar: Calendar | None, start: datetime, end: datetime) -> timedelta:
    """Exact business time in ``[start, end)``; without a calendar, elapsed real time."""
    if calendar is None:
        return _utc(end) - _utc(start)
    return calendar.duration_between(start, end)


def next_opening(calendar: Calendar | None, at: datetime) -> datetime | None:
    """The first open instant at or after ``at`` (UTC); ``at`` itself without a calendar.

    None only if the calendar never opens again (see ``MAX_IDLE_DAYS``).
    """
    if calendar is None:
        return _utc(at)
    return calendar.next_opening(at)


_NO_RUNS = ([], [], [0], [])


@lru_cache(maxsize=1024)
def _prepared(items) -> tuple:
    """Validated intervals, merged intervals per weekday and the week table."""
    intervals = tuple(_checked_interval(item) for item in items)
    week = tuple(
        _merge(sorted((s, e) for d, s, e in intervals if d == weekday)) for weekday in range(7)
    )
    return intervals, week, _week_table(week)


def _week_table(week) -> tuple:
    """``(starts, ends, before, after, total)`` of the week's intervals in microseconds.

    ``before[i]``/``after[i]``: business microseconds of the week before/after interval ``i``.
    """
    starts, ends, before, after = [], [], [], []
    total = 0
    for weekday, day in enumerate(week):
        for s, e in day:
            start, end = (weekday * DAY_SECONDS + s) * US, (weekday * DAY_SECONDS + e) * US
            starts.append(start)
            ends.append(end)
            before.append(total)
            total += end - start
            after.append(total)
    return starts, ends, before, after, total


def _holiday_runs(calendar: Calendar, week) -> tuple:
    """Runs of closed days around the holidays: ``(firsts, ends, cumulative, idle)``.

    ``firsts``/``ends`` are wall positions of each run's first midnight and the
    midnight after it (holidays on weekdays without hours are left out, and
    runs separated only by such weekdays are joined); ``cumulative[j]`` is the
    nominal business time of the runs before ``j``; ``idle[j]`` is ``(first,
    end)`` of the closed stretch (extended over adjacent closed weekdays), in days.
    """
    open_days = [bool(day) for day in week]
    ordinals = sorted(d.toordinal() for d in calendar.holidays if open_days[d.weekday()])
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
        cumulative.append(cumulative[-1] + calendar._c(end) - calendar._c(first))
        while not open_days[(a - 2) % 7]:
            a -= 1
        while not open_days[(b - 1) % 7]:
            b += 1
        idle.append((a, b))
    return firsts, ends, cumulative, idle


def _check_idle(idle: tuple[int, int], pos: int, forward: bool) -> None:
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


@lru_cache(maxsize=65536)
def _specials(zone: ZoneInfo, week, year: int) -> tuple:
    """``(begin, end, first_day, last_day)`` around each offset change of a UTC year.

    Only changes whose gap or repeated hour meets an opening interval (or an
    interval's start or end) count; ``first_day <= ordinal < last_day`` are the
    local dates whose wall day meets the change, ``begin``/``end`` the instants
    of their first and last midnights. Holidays are ignored here (a holiday
    just has no spans).
    """
    probe = _Probe(zone, week)
    ranges: list = []
    for instant, before, after in _zone_transitions(zone, year):
        low, high = instant + min(before, after), instant + max(before, after)
        # Touching counts: an interval ending or starting at the change.
        if probe._c(high + 1) - probe._c(low - 1) <= 0:
            continue
        first_day = (low - 1) // DAY_US + 1  # ordinal; the day ending at ``low`` too
        last_day = high // DAY_US + 2
        if ranges and first_day <= ranges[-1][1]:
            first_day = ranges.pop()[0]
        ranges.append((first_day, last_day))
    return tuple(
        (
            probe._instant_of((first - 1) * DAY_US),
            probe._instant_of((last - 1) * DAY_US),
            first,
            last,
        )
        for first, last in ranges
    )


class _Probe:
    """The zone and week table of a calendar, for the module-level caches."""

    _c = Calendar._c
    _instant_of = Calendar._instant_of

    def __init__(self, zone, week):
        self._zone = zone
        self._table = _week_table(week)


@lru_cache(maxsize=65536)
def _zone_transitions(zone: ZoneInfo, year: int) -> tuple:
    """``(instant, offset_before, offset_after)`` in microseconds per offset change of a UTC year.

    Samples every 3 days and bisects to the second where the offset differs.
    """
    if not 2 <= year <= 9998:
        return ()
    found = []
    moment = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    offset = moment.astimezone(zone).utcoffset()
    while moment < end:
        sample = min(moment + _SAMPLE, end)
        following = sample.astimezone(zone).utcoffset()
        if following != offset:
            low, high = 0, (sample - moment) // _ONE_SECOND
            while high - low > 1:
                mid = (low + high) // 2
                if (moment + timedelta(seconds=mid)).astimezone(zone).utcoffset() == offset:
                    low = mid
                else:
                    high = mid
            instant = _to_us(moment + timedelta(seconds=high))
            found.append((instant, offset // _ONE_US, following // _ONE_US))
            offset = following
        moment = sample
    return tuple(found)


def _jump_instant(zone: ZoneInfo, low: int, high: int, after: int) -> int:
    """Bisect the instants (low, high] (whole seconds apart) for the first at offset ``after``."""
    low_s, high_s = 0, (high - low) // US
    while high_s - low_s > 1:
        mid = (low_s + high_s) // 2
        if _offset_at(zone, low + mid * US) == after:
            high_s = mid
        else:
            low_s = mid
    return low + high_s * US


def _offset_at(zone: ZoneInfo, t: int) -> int:
    """The zone's UTC offset (microseconds) at instant ``t``."""
    return _from_us(t).astimezone(zone).utcoffset() // _ONE_US


def _year_of(t: int) -> int:
    """The UTC year of instant ``t``."""
    return date.fromordinal(min(max(t // DAY_US + 1, 1), date.max.toordinal())).year


def _to_us(moment: datetime) -> int:
    """Microseconds from 0001-01-01 UTC to an aware datetime."""
    return (moment - _EPOCH) // _ONE_US


def _from_us(t: int) -> datetime:
    """The aware UTC datetime ``t`` microseconds after 0001-01-01 UTC."""
    return _EPOCH + timedelta(microseconds=t)


def _utc(moment: datetime) -> datetime:
    """Convert an aware datetime to UTC; reject naive ones."""
    if not isinstance(moment, datetime):
        raise TypeError(f"expected a datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: business time needs aware datetimes")
    return moment.astimezone(UTC)


def _checked_interval(item) -> tuple[int, int, int]:
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


def _zone_named(name: str) -> ZoneInfo:
    """Load an IANA zone, reporting unknown names as ValueError."""
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, TypeError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def _merge(pairs: list) -> tuple:
    """Merge sorted ``(start, end)`` pairs that overlap or touch."""
    merged: list = []
    for start, end in pairs:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)
