"""Holidays from an iCalendar (.ics) file, as public-holiday feeds publish them."""

from datetime import date, datetime, timedelta

from icalendar import Calendar

MAX_DAYS = 366  # one event spanning more than a year is not a holiday


class IcsError(ValueError):
    """A file that is not an iCalendar document, or holds no day to take."""


def holidays_from_ics(data):
    """{date: name} for every day the file's events cover (an all-day event's DTEND is the day
    after its last); a timed event counts for the day it starts on."""
    try:
        calendar = Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError) as exc:
        raise IcsError(f"This is not an iCalendar (.ics) file: {exc}") from exc
    days = {}
    for event in calendar.walk("VEVENT"):
        start = event.decoded("DTSTART", None)
        if start is None:
            continue
        first = start.date() if isinstance(start, datetime) else start
        end = event.decoded("DTEND", None)
        last = first
        if isinstance(end, date) and not isinstance(end, datetime) and end > first:
            last = min(end - timedelta(days=1), first + timedelta(days=MAX_DAYS - 1))
        name = str(event.get("SUMMARY", ""))[:100]
        day = first
        while day <= last:
            days.setdefault(day, name)
            day += timedelta(days=1)
    if not days:
        raise IcsError("The file holds no event with a date.")
    return days
