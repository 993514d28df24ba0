"""Instants as people read them, in a zone they name: the API's readable twins of its ISO 8601
instants (docs/api.md "Times"), and the pages' tooltips (helpdesk.templatetags.times)."""

import zoneinfo
from functools import cache

from django.utils import dateformat, timezone, translation
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR

# "Sun 6 Dec 2026, 04:43 EST": the day and month names in the active language.
READABLE = "D j M Y, H:i"


def in_zone(local, fmt):
    """`local` formatted, then its zone's abbreviation. Taken from the datetime itself: Django's
    "T" leaves it out in the hour a DST change repeats, the very hour in which it tells the two
    apart (02:30 CEST, then 02:30 CET)."""
    return f"{dateformat.format(local, fmt)} {local.tzname()}"


def readable(moment, zone):
    """`moment` (aware) as a reader in `zone` (a ZoneInfo) reads it, READABLE and the zone's
    abbreviation, as in_zone(local, READABLE) says it; None stays None. Written out from the
    day and month names of the active language, read once per language: dateformat.format
    built a formatter and looked the names up for every instant, four times a ticket's cost
    in an API list."""
    return reader(zone)(moment)


def reader(zone):
    """readable(·, zone) for many instants: the active language's names looked up once."""
    days, months = _names(translation.get_language())

    def read(moment):
        if moment is None:
            return None
        local = moment.astimezone(zone)
        return (
            f"{days[local.weekday()]} {local.day} {months[local.month]} {local.year}, "
            f"{local.hour:02d}:{local.minute:02d} {local.tzname()}"
        )

    return read


@cache
def _names(language):
    """The abbreviated day names (Monday first) and month names ("D" and "M") in `language`."""
    with translation.override(language):
        days = tuple(str(WEEKDAYS_ABBR[day]) for day in range(7))
        months = {month: str(MONTHS_3[month]).title() for month in range(1, 13)}
    return days, months


def zone_named(name):
    """The ZoneInfo of `name`, else the helpdesk's (settings.TIME_ZONE): a profile keeps only
    zones it validated, but the tz database may lose one with an upgrade."""
    try:
        return zoneinfo.ZoneInfo(name) if name else timezone.get_default_timezone()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_default_timezone()
