"""Time zones: UTC-offset changes, and wall-clock boundaries turned into instants.

Offset changes are found by sampling each zone every 3 days and bisecting (cached per zone
and year), which is exact for tzdata since 1970 (offset changes are >= 7 days apart); two
changes within 3 days that cancel out would be missed.
"""

from datetime import UTC, datetime, timedelta
from functools import cache, lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

from .instants import DAY_US, NAIVE_EPOCH, ONE_SECOND, ONE_US, US, from_us, to_us
from .week import Day, WeekTable

_SAMPLE = timedelta(days=3)
_INF = float("inf")


class ChangeDays(NamedTuple):
    """The local dates around an offset change, whose spans are converted one by one.

    ``first_day <= ordinal < last_day`` are the dates; ``begin``/``end`` the instants of
    their first and last midnights. A horizon has no dates (``None``) and
    ``begin == end``: no such range starts before it.
    """

    begin: float
    end: float
    first_day: int | None
    last_day: int | None


# "No offset change before the end of time" (forward) / "since the beginning" (backward).
NONE_AHEAD = ChangeDays(_INF, _INF, None, None)
NONE_BEHIND = ChangeDays(-_INF, -_INF, None, None)


def zone_named(name: str) -> ZoneInfo:
    """Load an IANA zone, reporting unknown names as ValueError."""
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, TypeError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


@lru_cache(maxsize=65536)
def change_days(zone: ZoneInfo, days: tuple[Day, ...], year: int) -> tuple[ChangeDays, ...]:
    """The dates around each offset change of a UTC year that touches an opening interval.

    Only changes whose gap or repeated hour meets an opening interval of ``days`` (or an
    interval's start or end) count. Holidays are ignored here (a holiday just has no spans).
    """
    week = WeekTable.of(days)
    ranges: list = []
    for instant, before, after in transitions(zone, year):
        low, high = instant + min(before, after), instant + max(before, after)
        # Touching counts: an interval ending or starting at the change.
        if week.nominal(high + 1) - week.nominal(low - 1) <= 0:
            continue
        first_day = (low - 1) // DAY_US + 1  # ordinal; the day ending at ``low`` too
        last_day = high // DAY_US + 2
        if ranges and first_day <= ranges[-1][1]:
            first_day = ranges.pop()[0]
        ranges.append((first_day, last_day))
    return tuple(
        ChangeDays(
            instant_of(zone, (first - 1) * DAY_US),
            instant_of(zone, (last - 1) * DAY_US),
            first,
            last,
        )
        for first, last in ranges
    )


# Cached so that the common answer, no change for years, costs no allocation per addition
# (at most one entry per year).
@cache
def horizon_ahead(year: int) -> ChangeDays:
    """Where to look again after finding no change up to the end of UTC year ``year``."""
    horizon = to_us(datetime(year + 1, 1, 1, tzinfo=UTC)) - 3 * DAY_US
    return ChangeDays(horizon, horizon, None, None)


@cache
def horizon_behind(year: int) -> ChangeDays:
    """Where to look again after finding no change back to the start of UTC year ``year``."""
    horizon = to_us(datetime(year, 1, 1, tzinfo=UTC)) + 3 * DAY_US
    return ChangeDays(horizon, horizon, None, None)


@lru_cache(maxsize=65536)
def transitions(zone: ZoneInfo, year: int) -> tuple:
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
            low, high = 0, (sample - moment) // ONE_SECOND
            while high - low > 1:
                mid = (low + high) // 2
                if (moment + timedelta(seconds=mid)).astimezone(zone).utcoffset() == offset:
                    low = mid
                else:
                    high = mid
            instant = to_us(moment + timedelta(seconds=high))
            found.append((instant, offset // ONE_US, following // ONE_US))
            offset = following
        moment = sample
    return tuple(found)


def wall_of(zone: ZoneInfo, t: int) -> int:
    """The wall-clock position of instant ``t``."""
    offset = from_us(t).astimezone(zone).utcoffset()
    return t + offset // ONE_US


def instant_of(zone: ZoneInfo, x: int) -> int:
    """The instant of an unambiguous, existing wall position ``x``."""
    wall = NAIVE_EPOCH + timedelta(microseconds=x)
    return x - wall.replace(tzinfo=zone).utcoffset() // ONE_US


def boundary(zone: ZoneInfo, x: int, closing: bool) -> int:
    """Convert an interval boundary at wall position ``x`` by the package's conventions."""
    wall = NAIVE_EPOCH + timedelta(microseconds=x)
    before = wall.replace(tzinfo=zone).utcoffset() // ONE_US
    after = wall.replace(tzinfo=zone, fold=1).utcoffset() // ONE_US
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
    return from_us(t).astimezone(zone).utcoffset() // ONE_US
