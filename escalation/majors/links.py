"""The signed link in a page mail: whoever holds it acknowledges their party, no login needed
(a contact has no account); it expires with the guest links."""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "majors.acknowledge"


def _signer():
    return signing.TimestampSigner(salt=SALT)


def token(party_id, user_id=None):
    return _signer().sign_object({"p": party_id, "u": user_id})


def read(value):
    """(party id, user id or None) from a valid, unexpired token, else None."""
    max_age = timedelta(days=settings.GUEST_LINK_MAX_AGE_DAYS)
    try:
        data = _signer().unsign_object(value, max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or "p" not in data:
        return None
    return data["p"], data.get("u")


def url(party_id, user_id=None):
    return f"{settings.SITE_URL}{reverse('portal:major-ack', args=[token(party_id, user_id)])}"


def site(path):
    return f"{settings.SITE_URL}{path}"
