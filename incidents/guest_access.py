"""Signed, expiring links that open one ticket for a requester without an account.

The token names the ticket and its requester; it opens that ticket only, and only while the
requester is the same person. The confirmation mail carries it (notifications) and the portal
reads it; neither needs to know how it is made.
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing

SALT = "incidents.guest-ticket"


def _signer():
    return signing.TimestampSigner(salt=SALT)


def token_for(ticket):
    return _signer().sign_object({"t": ticket.pk, "u": ticket.requester_id})


def read(token):
    """(ticket id, requester id) from a valid, unexpired token, else None."""
    max_age = timedelta(days=settings.GUEST_LINK_MAX_AGE_DAYS)
    try:
        data = _signer().unsign_object(token, max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not {"t", "u"} <= data.keys():
        return None
    return data["t"], data["u"]


def is_guest(user):
    """A requester without a password of their own: they follow tickets by signed link."""
    return user is not None and user.is_active and not user.has_usable_password()
