"""Hypothesis strategies for business time: random calendars, instants near offset changes."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import settings
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
    return sum(end - start for day in cal.week.days for start, end in day)


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
