"""Instants as people read them, in a zone they name: the API's readable twins of its ISO 8601
instants (docs/api.md "Times"), and the pages' tooltips (helpdesk.templatetags.times)."""

import zoneinfo

from django.utils import dateformat, timezone

# "Sun 6 Dec 2026, 04:43 EST": the day and month names in the active language.
READABLE = "D j M Y, H:i"


def in_zone(local, fmt):
    """`local` formatted, then its zone's abbreviation. Taken from the datetime itself: Django's
    "T" leaves it out in the hour a DST change repeats, the very hour in which it tells the two
    apart (02:30 CEST, then 02:30 CET)."""
    return f"{dateformat.format(local, fmt)} {local.tzname()}"


def readable(moment, zone):
    """`moment` (aware) as a reader in `zone` (a ZoneInfo) reads it; None stays None."""
    return None if moment is None else in_zone(moment.astimezone(zone), READABLE)


def zone_named(name):
    """The ZoneInfo of `name`, else the helpdesk's (settings.TIME_ZONE): a profile keeps only
    zones it validated, but the tz database may lose one with an upgrade."""
    try:
        return zoneinfo.ZoneInfo(name) if name else timezone.get_default_timezone()
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return timezone.get_default_timezone()
