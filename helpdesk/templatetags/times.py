"""Times as people read them: `{% when moment %}` is a <time> in the reader's zone (the one
activated for the request), with the exact instant and its zone in the tooltip."""

import zoneinfo

from django import template
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from incidents.readable import in_zone

register = template.Library()

SHORT = "D j M, H:i"
EXACT = "D j M Y, H:i:s"


def exact(local):
    """ "Sun 25 Oct 2026, 02:30:00 CEST (Europe/Berlin)" (incidents.readable.in_zone: the
    abbreviation that tells apart the hour a DST change repeats)."""
    zone = getattr(local.tzinfo, "key", None) or local.tzname()
    return f"{in_zone(local, EXACT)} ({zone})"


@register.simple_tag
def exact_time(moment):
    """The exact instant in the reader's zone, for a tooltip."""
    return exact(timezone.localtime(moment)) if moment else ""


@register.simple_tag
def when(moment, short=SHORT, local=None):
    """<time datetime="ISO" title="exact local time and zone">short local time</time>, in the
    reader's zone (or as `local`, the same instant in another zone, reads)."""
    if moment is None:
        return ""
    local = local or timezone.localtime(moment)
    return format_html(
        '<time datetime="{}" title="{}">{}</time>',
        moment.isoformat(),
        exact(local),
        dateformat.format(local, short),
    )


def _place(zone_name):
    """A zone's place for people: "Europe/Berlin" → "Berlin"."""
    return zone_name.rsplit("/", 1)[-1].replace("_", " ")


@register.simple_tag
def due_in_zones(moment, zone_name, label=None):
    """ "Due Tue 8 Dec, 13:00 Berlin · 17:30 your time": the time in the calendar's zone and,
    when its clock reads differently there, in the reader's (UI.md: agents see theirs, plus the
    calendar's when it differs). Only the reader's, when the calendar's zone is unknown."""
    if moment is None:
        return ""
    label = _("Due") if label is None else label
    mine = timezone.localtime(moment)
    try:
        theirs = moment.astimezone(zoneinfo.ZoneInfo(zone_name)) if zone_name else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        theirs = None
    if theirs is None or theirs.utcoffset() == mine.utcoffset():
        return format_html("{} {}", label, when(moment))
    own = "H:i" if mine.date() == theirs.date() else SHORT
    return format_html(
        "{} {} {} · {}",
        label,
        when(moment, short=SHORT, local=theirs),
        _place(zone_name),
        format_html(_("{} your time"), when(moment, short=own)),
    )
