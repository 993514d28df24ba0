"""A person's on-call shifts as an iCalendar feed at a secret URL (calendar apps cannot sign in).

The shifts are the final ones (rotations with overrides folded in, escalation.oncall), from 30
days back to 90 days ahead, in UTC; each event's UID is stable, so a calendar app updates a
shift an override changed instead of adding a second one."""

from datetime import timedelta

from django.http import Http404, HttpResponse
from django.utils import timezone
from icalendar import Calendar, Event

from escalation.models import OnCallFeed

from .availability import my_shifts

BEHIND, AHEAD = timedelta(days=30), timedelta(days=90)


def feed(request, token):
    found = OnCallFeed.objects.select_related("user").filter(token=token).first()
    if found is None or not found.user.is_active:
        raise Http404("No such feed.")
    now = timezone.now()
    calendar = Calendar()
    calendar.add("prodid", "-//Tierdesk//On call//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"On call: {found.user.get_username()}")
    for team, layer, segment in my_shifts(found.user, now - BEHIND, now + AHEAD):
        event = Event()
        event.add("uid", f"oncall-{team.pk}-{layer}-{segment.start:%Y%m%dT%H%M%SZ}@tierdesk")
        event.add(
            "summary", f"On call: {team.name} ({layer}){' (covering)' if segment.override else ''}"
        )
        event.add("dtstart", segment.start)
        event.add("dtend", segment.end)
        event.add("dtstamp", now)
        calendar.add_component(event)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="on-call.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
