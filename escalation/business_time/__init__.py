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

Modules
-------
``instants`` (microsecond instants and wall positions), ``errors``, ``week`` (the
weekly intervals and ``WeekTable``, the closed form of the week), ``zones`` (offset
changes and converting boundaries), ``holidays`` (``HolidayRuns``), ``calendar``
(``Calendar``); this module adds the functions that also take no calendar (24x7).
"""

import operator
from datetime import datetime, timedelta

from .calendar import Calendar, Span
from .errors import NeverOpens, OutOfRange
from .holidays import MAX_IDLE_DAYS
from .instants import ONE_SECOND, utc
from .week import WeekTable

__all__ = [
    "MAX_IDLE_DAYS",
    "Calendar",
    "NeverOpens",
    "OutOfRange",
    "Span",
    "WeekTable",
    "add_business",
    "business_seconds_between",
    "business_time_between",
    "next_opening",
]


def add_business(calendar: Calendar | None, start: datetime, seconds: int) -> datetime:
    """Add business seconds; without a calendar, plain elapsed (UTC) seconds."""
    if calendar is None:
        return utc(start) + timedelta(seconds=operator.index(seconds))
    return calendar.add(start, seconds)


def business_seconds_between(calendar: Calendar | None, start: datetime, end: datetime) -> int:
    """Business seconds in ``[start, end)``; without a calendar, elapsed seconds."""
    if calendar is None:
        elapsed = utc(end) - utc(start)
        # Truncate toward zero, as Calendar.between does.
        return elapsed // ONE_SECOND if elapsed >= timedelta(0) else -(-elapsed // ONE_SECOND)
    return calendar.between(start, end)


def business_time_between(calendar: Calendar | None, start: datetime, end: datetime) -> timedelta:
    """Exact business time in ``[start, end)``; without a calendar, elapsed real time."""
    if calendar is None:
        return utc(end) - utc(start)
    return calendar.duration_between(start, end)


def next_opening(calendar: Calendar | None, at: datetime) -> datetime | None:
    """The first open instant at or after ``at`` (UTC); ``at`` itself without a calendar.

    None only if the calendar never opens again (see ``MAX_IDLE_DAYS``).
    """
    if calendar is None:
        return utc(at)
    return calendar.next_opening(at)
