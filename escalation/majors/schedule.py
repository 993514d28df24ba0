"""When a scheduled drill next runs: the nth weekday of each month at a wall-clock time in a
time zone (e.g. the first Tuesday at 10:00 Europe/Berlin), exact across DST changes. Pure."""

import calendar
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo


def nth_weekday(year, month, weekday, nth):
    """The date of the `nth` (1-5; 5 = last) `weekday` (0 = Monday) of a month."""
    days = [
        day
        for day in range(1, calendar.monthrange(year, month)[1] + 1)
        if date(year, month, day).weekday() == weekday
    ]
    return date(year, month, days[min(nth, len(days)) - 1])


def next_run(after, weekday, nth, at_time, zone):
    """The first occurrence strictly after `after` (an aware datetime), as an aware UTC one."""
    tz = ZoneInfo(zone)
    local = after.astimezone(tz)
    year, month = local.year, local.month
    for _ in range(3):
        day = nth_weekday(year, month, weekday, nth)
        candidate = datetime.combine(day, at_time, tzinfo=tz)
        if candidate > after:
            return candidate.astimezone(ZoneInfo("UTC"))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise ValueError("no occurrence found")  # unreachable: every month has each weekday


ONE_MINUTE = timedelta(minutes=1)
