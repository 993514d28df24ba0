"""Calendars and instants the example tests share, with exact expected instants in mind."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from escalation.business_time import Calendar

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
H = 3600
M = 60


def berlin(*args, **kwargs):
    return datetime(*args, tzinfo=BERLIN, **kwargs)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def office(tz="Europe/Berlin", holidays=()):
    """Mon-Fri 09:00-17:00."""
    return Calendar(tz, tuple((d, 9 * H, 17 * H) for d in range(5)), frozenset(holidays))


def lunch_break():
    """Mon-Fri 09:00-12:00 and 13:00-17:00, listed out of order on purpose."""
    return Calendar(
        "Europe/Berlin",
        tuple((d, 13 * H, 17 * H) for d in range(5)) + tuple((d, 9 * H, 12 * H) for d in range(5)),
    )


def round_the_clock(tz="Europe/Berlin"):
    return Calendar(tz, tuple((d, 0, 86400) for d in range(7)))
