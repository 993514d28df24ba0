"""Each reader's time zone, activated for their requests (UI.md: customers see their own zone,
agents theirs).

The zone is kept in the session, so a page costs no query for it: written when the person signs
in (the browser's zone, the first time, becomes their profile's) and when they change it. A
session made otherwise reads the profile on each request, and writes nothing."""

import zoneinfo

from django.utils import timezone

from incidents.models import Profile
from incidents.models.profiles import known_zone

SESSION_KEY = "tierdesk_time_zone"


def remember(request, zone):
    """Use `zone` for this request and the rest of the session."""
    request.session[SESSION_KEY] = zone
    timezone.activate(zoneinfo.ZoneInfo(zone))


def signed_in(sender, request, user, **kwargs):
    """user_logged_in: keep the browser's zone the first time (the sign-in and sign-up forms
    carry it, static/zone.js), and the person's zone for the session."""
    posted = request.POST.get("time_zone", "") if request is not None else ""
    zone = Profile.detect_zone(user, posted)
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = zone


class ReaderZoneMiddleware:
    """Activate the signed-in person's zone (the helpdesk's for everyone else)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            zone = known_zone(request.session.get(SESSION_KEY)) or Profile.objects.zone_of(user)
            timezone.activate(zoneinfo.ZoneInfo(zone))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def current():
    """The name of the zone this request reads times in."""
    return timezone.get_current_timezone_name()
