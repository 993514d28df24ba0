"""Each reader's time zone and language, activated for their requests (UI.md: customers see
their own zone, agents theirs; the language from the profile, then the browser's).

Both are kept in the session, so a page costs no query for them: written when the person signs
in (the browser's zone and language, the first time, become their profile's) and when they
change them. A session made otherwise reads the profile on each request, and writes nothing."""

import zoneinfo

from django.conf import settings
from django.utils import timezone, translation

from incidents.models import Profile
from incidents.models.profiles import known_zone

LANGUAGES = dict(settings.LANGUAGES)
SESSION_KEY = "tierdesk_time_zone"
LANGUAGE_KEY = "tierdesk_language"


def remember(request, zone, language=""):
    """Use `zone` (and `language`, "" for the browser's) for this request and the session."""
    request.session[SESSION_KEY] = zone
    request.session[LANGUAGE_KEY] = language
    timezone.activate(zoneinfo.ZoneInfo(zone))
    if language:
        translation.activate(language)
        request.LANGUAGE_CODE = language


def signed_in(sender, request, user, **kwargs):
    """user_logged_in: keep the browser's zone the first time (the sign-in and sign-up forms
    carry it, static/zone.js), and the person's zone for the session."""
    posted = request.POST.get("time_zone", "") if request is not None else ""
    browser = getattr(request, "LANGUAGE_CODE", "") if request is not None else ""
    profile = Profile.detect(user, posted, browser)
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = profile.time_zone or settings.TIME_ZONE
        request.session[LANGUAGE_KEY] = profile.language


class ReaderZoneMiddleware:
    """Activate the signed-in person's zone (the helpdesk's for everyone else) and language
    (LocaleMiddleware's, from the browser, when they have none)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            zone = known_zone(request.session.get(SESSION_KEY))
            language = request.session.get(LANGUAGE_KEY)
            if not zone or language is None:
                kept = Profile.objects.reading_for([user.pk]).get(user.pk, ("", ""))
                # known_zone: a zone the tz database no longer knows (or written around the
                # form's check) reads as the helpdesk's, never a ZoneInfoNotFoundError (500).
                zone = zone or known_zone(kept[0]) or settings.TIME_ZONE
                language = kept[1] if language is None else language
            timezone.activate(zoneinfo.ZoneInfo(zone))
            if language in LANGUAGES:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()


def current():
    """The name of the zone this request reads times in."""
    return timezone.get_current_timezone_name()
