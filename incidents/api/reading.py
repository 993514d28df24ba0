"""The zone an API request's readable times are in (docs/api.md "Times"): the requesting
person's profile zone, else the helpdesk's (settings.TIME_ZONE). Found once per request, never
per ticket, and without a query of its own on the two usual paths:

- a token: TokenAuthentication's one statement also reads the profile's zone;
- a signed-in page's session: helpdesk.zones.ReaderZoneMiddleware has activated it already.

Anyone else (another authenticator, a test's force_authenticate) costs one query."""

from django.utils import timezone
from rest_framework.authentication import SessionAuthentication

from ..models import Profile
from ..readable import zone_named

ATTRIBUTE = "_tierdesk_reader_zone"


def remember_zone(user, name):
    """What the token's statement read: `name`, "" for none (the helpdesk's)."""
    setattr(user, ATTRIBUTE, name or "")


def reader_zone(request):
    """The ZoneInfo `request`'s person reads times in; None for no request (the active zone)."""
    if request is None:
        return timezone.get_current_timezone()
    zone = getattr(request, ATTRIBUTE, None)
    if zone is None:
        zone = _find(request)
        setattr(request, ATTRIBUTE, zone)
    return zone


def _find(request):
    user = request.user
    if not user.is_authenticated:
        return timezone.get_default_timezone()
    name = getattr(user, ATTRIBUTE, None)
    if name is not None:
        return zone_named(name)
    if isinstance(getattr(request, "successful_authenticator", None), SessionAuthentication):
        return timezone.get_current_timezone()
    return zone_named(Profile.objects.zone_of(user))
