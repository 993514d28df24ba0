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


#
# The model knows nothing of spans or conversions: it looks at each UTC minute,
# reads the local wall clock with zoneinfo, and decides whether an interval of a
# nearby, non-holiday date covers it, by the documented conventions:
#
# * on the clock's first pass (no repeated hour, or before the clocks go back),
#   an interval [A, B) covers wall time W iff A <= W < B -- except that if B lies
#   strictly inside the coming repeated hour [R0, R1), every W in [B, R1) on the
#   first pass is covered too (the interval closes at B's second occurrence);
# * on the second pass through [R0, R1), it covers W iff A < R1 (it opened on
#   the first pass at the latest) and W < B: a closing at R0 exactly is the first
#   occurrence, so the second pass is not covered;
# * spring-forward gaps need no rule: a start or end in the gap is the jump.
#
# Boundaries, offsets and offset changes fall on whole minutes here, so coverage
# is constant within each UTC minute and counting minutes is exact.

MODEL_ZONES = [
    "Australia/Lord_Howe",  # moves by 30 minutes, at 02:00
    "America/Havana",  # at midnight
    "America/Santiago",  # at 24:00 on Saturday
    "Asia/Beirut",  # at midnight
    "Pacific/Chatham",  # at 02:45 / 03:45
    "Europe/Berlin",
    "Asia/Tokyo",
    "UTC",
]
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
MODEL_DAYS = 2

model_fast = settings(max_examples=60, deadline=None)

# Whole minutes, with extra weight on the wall times where these zones change.
TRICKY_MINUTES = [0, 30, 60, 90, 120, 150, 165, 180, 210, 225, 240, 1380, 1410, 1439, 1440]
minute_marks = st.one_of(st.integers(0, 1440), st.sampled_from(TRICKY_MINUTES))


@st.composite
def minute_calendars(draw, zone, hints=()):
    """A calendar on whole minutes: 1-3 intervals on some weekdays.

    ``hints`` are ``(weekday, minute)`` marks (where the clocks change) that
    boundaries favour, one minute either side included.
    """
    marks = minute_marks
    days = st.integers(0, 6)
    if hints:
        near = sorted({min(max(m + d, 0), 1440) for _, m in hints for d in (-1, 0, 1)})
        marks = st.one_of(minute_marks, st.sampled_from(near), st.sampled_from(near))
        days = st.one_of(days, st.sampled_from(sorted({w for w, _ in hints})))
    weekdays = draw(st.sets(days, min_size=1, max_size=7))
    intervals = []
    for weekday in sorted(weekdays):
        for _ in range(draw(st.integers(1, 3))):
            a, b = draw(st.lists(marks, min_size=2, max_size=2, unique=True))
            intervals.append((weekday, 60 * min(a, b), 60 * max(a, b)))
    return Calendar(zone, tuple(intervals))


def change_marks(moment, before, after):
    """(weekday, minute of day) of the wall times where a change's gap or repeat starts and ends.

    A mark at midnight is also given as 24:00 of the day before.
    """
    marks = []
    for offset in (before, after):
        wall = (moment + offset).replace(tzinfo=None)
        minute = wall.hour * 60 + wall.minute
        marks.append((wall.weekday(), minute))
        if minute == 0:
            marks.append(((wall.weekday() - 1) % 7, 1440))
    return marks


def offset_changes(zone, first, last):
    """(instant, offset before, offset after) of each offset change in (first, last].

    Hour by hour, then minute by minute inside an hour where the offset changed.
    """
    changes = []
    moment, offset = first, first.astimezone(zone).utcoffset()
    while moment < last:
        following = (moment + HOUR).astimezone(zone).utcoffset()
        if following != offset:
            minute = moment
            while offset != following:
                minute += MINUTE
                now = minute.astimezone(zone).utcoffset()
                if now != offset:
                    changes.append((minute, offset, now))
                    offset = now
        moment += HOUR
    return changes


class WallClockModel:
    """Coverage of each UTC minute in [first, last) for a calendar, by the wall clock."""

    def __init__(self, cal, first, last):
        self.zone = ZoneInfo(cal.timezone)
        self.cal = cal
        self.first = first
        self.by_weekday = [
            [(timedelta(seconds=s), timedelta(seconds=e)) for d, s, e in cal.intervals if d == w]
            for w in range(7)
        ]
        # Repeated hours (wall R0, wall R1, instant of the change), found with a margin.
        self.repeats = [
            (moment + after, moment + before, moment)
            for moment, before, after in offset_changes(
                self.zone, first - timedelta(days=2), last + timedelta(days=2)
            )
            if after < before
        ]
        self.repeats = [
            (r0.replace(tzinfo=None), r1.replace(tzinfo=None), at) for r0, r1, at in self.repeats
        ]
        count = (last - first) // MINUTE
        self.covered = [self.covers(first + k * MINUTE) for k in range(count)]

    def covers(self, moment):
        local = moment.astimezone(self.zone)
        wall = local.replace(tzinfo=None)
        first_pass = second_pass = None
        for r0, r1, at in self.repeats:
            if at - (r1 - r0) <= moment < at:
                first_pass = (r0, r1)
            elif at <= moment < at + (r1 - r0):
                second_pass = (r0, r1)
        assert (second_pass is not None) == (local.fold == 1)
        for offset in (-1, 0, 1):
            day = wall.date() + timedelta(days=offset)
            if day in self.cal.holidays:
                continue
            midnight = datetime(day.year, day.month, day.day)
            for start, end in self.by_weekday[day.weekday()]:
                a, b = midnight + start, midnight + end
                if second_pass is not None:
                    if a < second_pass[1] and wall < b:
                        return True
                elif a <= wall and (
                    wall < b or (first_pass is not None and first_pass[0] < b < first_pass[1])
                ):
                    return True
        return False

    def minutes(self):
        return [(self.first + k * MINUTE, open_) for k, open_ in enumerate(self.covered)]

    def duration(self, start, end):
        total = timedelta(0)
        for minute, open_ in self.minutes():
            if open_:
                overlap = min(minute + MINUTE, end) - max(minute, start)
                total += max(overlap, timedelta(0))
        return total

    def add(self, start, seconds):
        """Forward or backward, or None if the window runs out."""
        remaining = timedelta(seconds=abs(seconds))
        if seconds > 0:
            for minute, open_ in self.minutes():
                begin = max(minute, start)
                if open_ and begin < minute + MINUTE:
                    if remaining <= minute + MINUTE - begin:
                        return begin + remaining
                    remaining -= minute + MINUTE - begin
            return None
        for minute, open_ in reversed(self.minutes()):
            finish = min(minute + MINUTE, start)
            if open_ and minute < finish:
                if remaining <= finish - minute:
                    return finish - remaining
                remaining -= finish - minute
        return None


_SWITCH_CACHE: dict = {}


def dst_changes_cached(zone_name):
    """Offset changes of a zone in 2024-2026."""
    if zone_name not in _SWITCH_CACHE:
        _SWITCH_CACHE[zone_name] = offset_changes(
            ZoneInfo(zone_name), datetime(2024, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)
        )
    return _SWITCH_CACHE[zone_name]


@st.composite
def model_cases(draw):
    """(calendar, model, start): a window of MODEL_DAYS around a start, often at a DST change."""
    zone = draw(st.sampled_from(MODEL_ZONES))
    changes = dst_changes_cached(zone)
    if changes and draw(st.integers(0, 3)):
        change = draw(st.sampled_from(changes))
        cal = draw(minute_calendars(zone, change_marks(*change)))
        start = change[0] + timedelta(seconds=draw(st.integers(-DAY, DAY)))
    else:
        cal = draw(minute_calendars(zone))
        start = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(
            seconds=draw(st.integers(0, 3 * 365 * DAY))
        )
    start += timedelta(microseconds=draw(st.sampled_from([0, 0, 1, 500000, 999999])))
    near = start.astimezone(ZoneInfo(zone)).date()
    holidays = draw(st.frozensets(st.dates(near - timedelta(days=2), near + timedelta(days=2))))
    cal = Calendar(cal.timezone, cal.intervals, holidays)
    first = start.replace(second=0, microsecond=0) - timedelta(days=1)
    model = WallClockModel(cal, first, first + timedelta(days=MODEL_DAYS))
    return cal, model, start


@model_fast
@given(case=model_cases(), data=st.data())
def test_add_matches_the_wall_clock_model(case, data):
    cal, model, start = case
    end = model.first + timedelta(days=MODEL_DAYS)
    ahead = model.duration(start, end) // timedelta(seconds=1)
    behind = model.duration(model.first, start) // timedelta(seconds=1)
    for seconds in [
        data.draw(st.integers(1, max(ahead, 1))),
        -data.draw(st.integers(1, max(behind, 1))),
        1,
        -1,
    ]:
        expected = model.add(start, seconds)
        if expected is not None:
            assert cal.add(start, seconds) == expected, seconds


@model_fast
@given(case=model_cases(), data=st.data())
def test_between_matches_the_wall_clock_model(case, data):
    cal, model, start = case
    window = MODEL_DAYS * DAY * 1_000_000
    offsets = data.draw(st.lists(st.integers(0, window), min_size=2, max_size=2))
    a, b = (model.first + timedelta(microseconds=o) for o in offsets)
    for x, y in [(a, b), (start, b), (model.first, model.first + timedelta(days=MODEL_DAYS))]:
        expected = model.duration(x, y) if x <= y else -model.duration(y, x)
        assert cal.duration_between(x, y) == expected
        whole = expected // timedelta(seconds=1) if expected >= timedelta(0) else None
        if whole is not None:
            assert cal.between(x, y) == whole


@model_fast
@given(case=model_cases())
def test_open_and_next_opening_match_the_wall_clock_model(case):
    cal, model, start = case
    for minute, open_ in model.minutes()[::37]:
        assert cal.is_open(minute) == open_
    following = [m for m, open_ in model.minutes() if open_ and m + MINUTE > start]
    if following and following[0] < model.first + timedelta(days=MODEL_DAYS - 1):
        assert cal.next_opening(start) == max(following[0], start)
