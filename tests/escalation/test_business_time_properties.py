"""Hypothesis properties of escalation.business_time on random calendars.

Plain pytest functions: no Django, no fixtures.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from escalation.business_time import Calendar

ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]
DAY = 86400
TWO_WEEKS = 14 * DAY

fast = settings(max_examples=200, deadline=None)

# Half-hour marks hit midnight, 24:00 and the DST switch times often;
# arbitrary seconds cover the rest.
boundaries = st.one_of(st.integers(0, DAY), st.integers(0, 48).map(lambda k: k * 1800))


@st.composite
def intervals_for(draw, weekday):
    """One opening interval on ``weekday``."""
    a, b = draw(st.lists(boundaries, min_size=2, max_size=2, unique=True))
    return (weekday, min(a, b), max(a, b))


@st.composite
def holiday_sets(draw):
    """A few scattered holidays plus one run of closed days."""
    scattered = draw(st.frozensets(st.dates(date(2023, 12, 1), date(2028, 2, 1)), max_size=12))
    run_start = draw(st.dates(date(2023, 12, 1), date(2028, 1, 1)))
    run = {run_start + timedelta(days=i) for i in range(draw(st.integers(0, 20)))}
    return scattered | run


@st.composite
def calendars(draw, zones=ZONES):
    """A calendar with 1-3 intervals on each of some weekdays, and holidays."""
    weekdays = draw(st.sets(st.integers(0, 6), min_size=1, max_size=7))
    intervals = [
        draw(intervals_for(weekday))
        for weekday in sorted(weekdays)
        for _ in range(draw(st.integers(1, 3)))
    ]
    intervals = draw(st.permutations(intervals))
    return Calendar(draw(st.sampled_from(zones)), tuple(intervals), draw(holiday_sets()))


def dst_switches(zone_name):
    """The first whole UTC hour after each offset change of ``zone_name``, 2024-2027."""
    zone = ZoneInfo(zone_name)
    switches = []
    day = datetime(2024, 1, 1, tzinfo=UTC)
    while day.year < 2028:
        following = day + timedelta(days=1)
        if day.astimezone(zone).utcoffset() != following.astimezone(zone).utcoffset():
            hours = [day + timedelta(hours=h) for h in range(25)]
            offsets = [h.astimezone(zone).utcoffset() for h in hours]
            switches.extend(hours[i] for i in range(1, 25) if offsets[i] != offsets[i - 1])
        day = following
    return switches


SWITCHES = sorted({s for zone in ZONES for s in dst_switches(zone)})

uniform_instants = st.datetimes(
    min_value=datetime(2024, 1, 1),
    max_value=datetime(2027, 12, 31, 23, 59, 59),
    timezones=st.sampled_from([ZoneInfo(z) for z in ZONES] + [UTC]),
    allow_imaginary=False,
)
# DST weekends are rare among uniform instants, so half the draws land near one.
near_switch = st.builds(
    lambda switch, seconds, zone: (switch + timedelta(seconds=seconds)).astimezone(zone),
    st.sampled_from(SWITCHES),
    st.one_of(st.integers(-3 * DAY, 3 * DAY), st.integers(-2 * 3600, 2 * 3600)),
    st.sampled_from([ZoneInfo(z) for z in ZONES] + [UTC]),
)
instants = st.one_of(uniform_instants, near_switch)


def nominal_week(cal):
    """Business seconds of a week on the wall clock (merged, ignoring DST)."""
    return sum(end - start for day in cal._week for start, end in day)


def durations(data, cal, signed=False):
    """A duration of up to two weeks, capped so a sparse calendar walks a few weeks only."""
    cap = min(TWO_WEEKS, 6 * nominal_week(cal))
    return data.draw(st.integers(-cap if signed else 0, cap))


def closing_around(cal, moment):
    """The closing instant of the opening span containing ``moment`` (closed interval)."""
    local = moment.astimezone(ZoneInfo(cal.timezone)).date()
    for offset in (-1, 0, 1):
        for start, end in cal.day_spans(local + timedelta(days=offset)):
            if start <= moment <= end:
                return end
    raise AssertionError(f"{moment} is not in an opening span")


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
