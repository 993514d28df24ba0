"""Instants and wall-clock positions as integer microseconds, and the conversions at the edges.

An instant is microseconds since 0001-01-01 00:00 UTC; a wall-clock position is microseconds
since 0001-01-01 00:00 local time. Both epochs are Mondays, so a position modulo a week is the
offset into the week. Integers keep the arithmetic exact; datetimes appear only in and out.
"""

from datetime import UTC, date, datetime, timedelta

DAY_SECONDS = 86400
US = 1_000_000
DAY_US = DAY_SECONDS * US
WEEK_US = 7 * DAY_US
EPOCH = datetime(1, 1, 1, tzinfo=UTC)
NAIVE_EPOCH = datetime(1, 1, 1)
ONE_US = timedelta(microseconds=1)
ONE_SECOND = timedelta(seconds=1)
WALL_MAX = date.max.toordinal() * DAY_US  # end of 9999-12-31


def to_us(moment: datetime) -> int:
    """Microseconds from 0001-01-01 UTC to an aware datetime."""
    return (moment - EPOCH) // ONE_US


def from_us(t: int) -> datetime:
    """The aware UTC datetime ``t`` microseconds after 0001-01-01 UTC."""
    return EPOCH + timedelta(microseconds=t)


def year_of(t: int) -> int:
    """The UTC year of instant ``t``."""
    return date.fromordinal(min(max(t // DAY_US + 1, 1), date.max.toordinal())).year


def utc(moment: datetime) -> datetime:
    """Convert an aware datetime to UTC; reject naive ones."""
    if not isinstance(moment, datetime):
        raise TypeError(f"expected a datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"naive datetime {moment!r}: business time needs aware datetimes")
    return moment.astimezone(UTC)
