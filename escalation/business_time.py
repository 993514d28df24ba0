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

* An ambiguous time (it occurs twice when clocks fall back) is read as its
  *first* occurrence (``fold=0``) when it opens an interval and as its *last*
  occurrence (``fold=1``) when it closes one, so an interval covers every
  instant from the first moment the wall clock shows its start to the last
  moment it shows its end.
* A non-existent time (skipped when clocks spring forward) is the instant the
  clocks jump; an interval lying wholly inside the gap is therefore empty.
* Intervals are half-open for ``is_open``/``between`` (``[start, end)``), but
  a positive ``add`` that exhausts its seconds exactly at a closing time
  returns that closing time (not the next opening), and a negative ``add``
  that exhausts them exactly at an opening time returns that opening time.
* ``between`` truncates fractional seconds toward zero; ``add`` keeps the
  microseconds of its start.
"""

import operator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

__all__ = ["Calendar", "add_business", "business_seconds_between", "next_opening"]

DAY_SECONDS = 86400
# A walk that meets this many consecutive closed days gives up: the calendar
# is treated as never opening again (about ten years).
MAX_IDLE_DAYS = 3660

_ONE_DAY = timedelta(days=1)
_ONE_SECOND = timedelta(seconds=1)

Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class Calendar:
    """Weekly opening hours in one IANA time zone, minus holidays."""

    timezone: str
    intervals: tuple[tuple[int, int, int], ...]
    holidays: frozenset[date] = frozenset()
    _zone: ZoneInfo = field(init=False, repr=False, compare=False)
    _week: tuple[tuple[tuple[int, int], ...], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        """Validate the fields and precompute merged intervals per weekday."""
        intervals = tuple(_checked_interval(item) for item in self.intervals)
        # Normalised in place so that lists from JSON snapshots stay hashable.
        object.__setattr__(self, "intervals", intervals)
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "_zone", _zone_named(self.timezone))
        week = tuple(
            _merge(sorted((s, e) for d, s, e in intervals if d == weekday)) for weekday in range(7)
        )
        object.__setattr__(self, "_week", week)

    def add(self, start: datetime, seconds: int) -> datetime:
        """Return ``start`` moved by ``seconds`` of business time (negative walks back)."""
        moment = _utc(start)
        seconds = operator.index(seconds)
        if seconds == 0:
            return moment
        if not any(self._week):
            raise ValueError("calendar has no opening intervals")
        if seconds > 0:
            return _walk_forward(self, moment, timedelta(seconds=seconds))
        return _walk_backward(self, moment, timedelta(seconds=-seconds))

    def between(self, start: datetime, end: datetime) -> int:
        """Return business seconds in ``[start, end)``; negative if ``end < start``."""
        first, last = _utc(start), _utc(end)
        if last < first:
            return -self.between(last, first)
        total = timedelta(0)
        for begin, finish in _forward_spans(self, first, until=last):
            if begin >= last:
                break
            total += min(finish, last) - begin
        return total // _ONE_SECOND

    def next_opening(self, at: datetime) -> datetime | None:
        """Return ``at`` if open, else the next opening; None if it never opens."""
        first = next(_forward_spans(self, _utc(at)), None)
        return None if first is None else first[0]

    def is_open(self, at: datetime, *, include_close: bool = False) -> bool:
        """Tell whether ``at`` lies in an opening interval ``[start, end)``.

        With ``include_close`` the closing instant counts too (``[start, end]``),
        which is where a positive ``add`` may land.
        """
        moment = _utc(at)
        # Spans come clipped to ``moment``: open iff the next one starts right there.
        after = next(_forward_spans(self, moment, until=moment), None)
        if after is not None and after[0] == moment:
            return True
        if include_close:
            before = next(_backward_spans(self, moment, until=moment), None)
            return before is not None and before[1] == moment
        return False

    def day_spans(self, day: date) -> tuple[Span, ...]:
        """Return the UTC opening spans of one local date, sorted and disjoint."""
        if day in self.holidays:
            return ()
        local = self._week[day.weekday()]
        if not local:
            return ()
        spans = [
            (_wall_to_utc(self._zone, day, s, fold=0), _wall_to_utc(self._zone, day, e, fold=1))
            for s, e in local
        ]
        # Around a fall-back, spans of one day can overlap in real time.
        return tuple(_merge(sorted(span for span in spans if span[0] < span[1])))


# -- module-level helpers (calendar None = 24x7 real time) -------------------


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


def next_opening(calendar: Calendar | None, at: datetime) -> datetime | None:
    """The first open instant at or after ``at`` (UTC); ``at`` itself without a calendar.

    None only if the calendar never opens again (see ``MAX_IDLE_DAYS``).
    """
    if calendar is None:
        return _utc(at)
    return calendar.next_opening(at)


# -- walking -----------------------------------------------------------------


def _walk_forward(calendar: Calendar, start: datetime, remaining: timedelta) -> datetime:
    """Spend ``remaining`` business time going forward from ``start``."""
    for begin, finish in _forward_spans(calendar, start):
        available = finish - begin
        # "<=" so that landing exactly on a closing time returns it.
        if remaining <= available:
            return begin + remaining
        remaining -= available
    raise ValueError(f"calendar never opens within {MAX_IDLE_DAYS} days")


def _walk_backward(calendar: Calendar, start: datetime, remaining: timedelta) -> datetime:
    """Spend ``remaining`` business time going backward from ``start``."""
    for begin, finish in _backward_spans(calendar, start):
        available = finish - begin
        if remaining <= available:
            return finish - remaining
        remaining -= available
    raise ValueError(f"calendar never opens within {MAX_IDLE_DAYS} days")


def _forward_spans(calendar: Calendar, moment: datetime, until: datetime | None = None):
    """Yield disjoint ascending spans after ``moment``, clipped to start no earlier.

    The first span starts at ``moment`` exactly when ``moment`` is open. With
    ``until``, stops once no span can start before it.
    """
    first = _local_date(calendar, moment) - _ONE_DAY  # yesterday's span may run past midnight
    last = None if until is None else _local_date(calendar, until) + _ONE_DAY
    frontier = moment
    for spans in _days(calendar, first, _ONE_DAY, last):
        for begin, finish in spans:
            # Clipping to the frontier drops overlap with the previous day.
            begin = max(begin, frontier)
            if begin < finish:
                yield begin, finish
                frontier = finish


def _backward_spans(calendar: Calendar, moment: datetime, until: datetime | None = None):
    """Yield disjoint descending spans before ``moment``, clipped to end no later."""
    first = _local_date(calendar, moment) + _ONE_DAY
    last = None if until is None else _local_date(calendar, until) - _ONE_DAY
    frontier = moment
    for spans in _days(calendar, first, -_ONE_DAY, last):
        for begin, finish in reversed(spans):
            finish = min(finish, frontier)
            if begin < finish:
                yield begin, finish
                frontier = begin


def _days(calendar: Calendar, day: date, step: timedelta, last: date | None):
    """Yield the spans of each local date from ``day`` by ``step``, through ``last``.

    Without ``last`` it stops after ``MAX_IDLE_DAYS`` closed days in a row,
    so a walk on a calendar that never opens ends instead of looping.
    """
    idle = 0
    forward = step > timedelta(0)
    while date.min < day < date.max:
        if last is not None and (day > last if forward else day < last):
            return
        spans = calendar.day_spans(day)
        yield spans
        idle = 0 if spans else idle + 1
        if last is None and idle >= MAX_IDLE_DAYS:
            return
        day += step


# -- conversions -------------------------------------------------------------


def _wall_to_utc(zone: ZoneInfo, day: date, second: int, fold: int) -> datetime:
    """Convert a local wall-clock second of ``day`` to a UTC instant.

    ``fold`` picks the occurrence of an ambiguous time; a non-existent time
    becomes the instant the clocks jump.
    """
    wall = datetime(day.year, day.month, day.day) + timedelta(seconds=second)
    before = wall.replace(tzinfo=zone).utcoffset()
    after = wall.replace(tzinfo=zone, fold=1).utcoffset()
    if before < after:
        # PEP 495: fold=0 offset < fold=1 offset only inside a spring-forward gap.
        return _jump_instant(zone, wall - after, wall - before, after)
    return (wall - (after if fold else before)).replace(tzinfo=UTC)


def _jump_instant(zone: ZoneInfo, low: datetime, high: datetime, after: timedelta) -> datetime:
    """Bisect the naive-UTC range (low, high] for the first second at offset ``after``."""
    low_s, high_s = 0, (high - low) // _ONE_SECOND
    while high_s - low_s > 1:
        mid = (low_s + high_s) // 2
        instant = (low + timedelta(seconds=mid)).replace(tzinfo=UTC)
        if instant.astimezone(zone).utcoffset() == after:
            high_s = mid
        else:
            low_s = mid
    return (low + timedelta(seconds=high_s)).replace(tzinfo=UTC)


def _local_date(calendar: Calendar, moment: datetime) -> date:
    """The calendar-local date of an instant."""
    return moment.astimezone(calendar._zone).date()


def _utc(moment: datetime) -> datetime:
    """Convert an aware datetime to UTC; reject naive ones."""
    if not isinstance(moment, datetime):
        raise TypeError(f"expected a datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: business time needs aware datetimes")
    return moment.astimezone(UTC)


# -- validation --------------------------------------------------------------


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
