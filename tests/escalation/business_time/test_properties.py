"""Hypothesis properties of Calendar on random calendars: add and between agree.

Plain pytest functions: no Django, no fixtures.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from escalation.business_time import Calendar

from .strategies import DAY, TWO_WEEKS, ZONES, calendars, closing_around, durations, fast, instants


@fast
@given(cal=calendars(), start=instants, data=st.data())
def test_add_is_monotonic(cal, start, data):
    d1, d2 = sorted((durations(data, cal, signed=True), durations(data, cal, signed=True)))
    assert cal.add(start, d1) <= cal.add(start, d2)


@fast
@given(cal=calendars(), start=instants, data=st.data())
def test_add_is_additive(cal, start, data):
    a = max(durations(data, cal), 1)
    b = max(durations(data, cal), 1)
    assert cal.add(cal.add(start, a), b) == cal.add(start, a + b)
    assert cal.add(cal.add(start, -a), -b) == cal.add(start, -(a + b))


@fast
@given(cal=calendars(), start=instants, data=st.data())
def test_add_is_additive_when_landing_on_a_closing(cal, start, data):
    # Whole seconds, or no integer addition could land exactly on a closing.
    start = start.replace(microsecond=0)
    probe = cal.add(start, max(durations(data, cal), 1))
    closing = closing_around(cal, probe)
    a = cal.between(start, closing)
    assert cal.add(start, a) == closing
    b = max(durations(data, cal), 1)
    assert cal.add(closing, b) == cal.add(start, a + b)


@fast
@given(cal=calendars(), start=instants, data=st.data())
def test_nonzero_add_lands_in_an_opening_interval(cal, start, data):
    seconds = durations(data, cal, signed=True)
    due = cal.add(start, seconds)
    assert due.tzinfo is UTC
    if seconds == 0:
        # Compare in UTC: PEP 495 makes a repeated-hour local time unequal to
        # every datetime in another zone.
        assert due == start.astimezone(UTC)
    else:
        assert cal.is_open(due, include_close=True)
        closing_around(cal, due)


@fast
@given(cal=calendars(), start=instants, data=st.data())
def test_between_inverts_add(cal, start, data):
    seconds = durations(data, cal, signed=True)
    assert cal.between(start, cal.add(start, seconds)) == seconds


@fast
@given(cal=calendars(), start=instants, data=st.data())
def test_walking_back_returns_to_an_open_start(cal, start, data):
    seconds = max(durations(data, cal), 1)
    if cal.is_open(start):
        assert cal.add(cal.add(start, seconds), -seconds) == start.astimezone(UTC)


@fast
@given(
    cal=calendars(),
    a=instants,
    b_offset=st.integers(-TWO_WEEKS, TWO_WEEKS),
    c_offset=st.integers(-TWO_WEEKS, TWO_WEEKS),
)
def test_between_is_additive_and_antisymmetric(cal, a, b_offset, c_offset):
    # Whole seconds: between truncates fractions, and truncation is not additive.
    a = a.astimezone(UTC).replace(microsecond=0)
    b = a + timedelta(seconds=b_offset)
    c = a + timedelta(seconds=c_offset)
    assert cal.between(a, b) + cal.between(b, c) == cal.between(a, c)
    assert cal.between(b, a) == -cal.between(a, b)


@fast
@given(cal=calendars(), start=instants)
def test_next_opening_is_the_first_open_instant(cal, start):
    opening = cal.next_opening(start)
    assert opening >= start
    assert cal.is_open(opening)
    assert cal.between(start, opening) == 0
    assert (opening == start.astimezone(UTC)) == cal.is_open(start)


@fast
@given(cal=calendars(zones=["Asia/Kolkata"]), start=st.dates(date(2024, 1, 1), date(2027, 12, 1)))
def test_between_midnights_sums_wall_clock_intervals_without_dst(cal, start):
    # Kolkata has no DST, so a brute-force sum over the merged wall-clock
    # seconds of each open date must agree.
    zone = ZoneInfo("Asia/Kolkata")
    open_seconds = [bytearray(DAY) for _ in range(7)]
    for weekday, begin, end in cal.intervals:
        open_seconds[weekday][begin:end] = b"\x01" * (end - begin)
    days = [start + timedelta(days=i) for i in range(10)]
    expected = sum(open_seconds[d.weekday()].count(1) for d in days if d not in cal.holidays)
    first = datetime(start.year, start.month, start.day, tzinfo=zone)
    assert cal.between(first, first + timedelta(days=10)) == expected


@fast
@given(
    zone=st.sampled_from(ZONES),
    start=instants,
    seconds=st.integers(-TWO_WEEKS, TWO_WEEKS),
)
def test_calendar_open_around_the_clock_is_real_time(zone, start, seconds):
    cal = Calendar(zone, tuple((d, 0, DAY) for d in range(7)))
    # Real-time arithmetic must happen in UTC, not on the wall clock.
    end = start.astimezone(UTC) + timedelta(seconds=seconds)
    assert cal.add(start, seconds) == end
    assert cal.between(start, end) == seconds
