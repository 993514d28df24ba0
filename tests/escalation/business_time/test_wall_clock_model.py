"""Calendar against a brute-force model of the DST conventions, minute by minute.

Plain pytest functions: no Django, no fixtures.
"""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from escalation.business_time import Calendar

from .strategies import DAY

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
