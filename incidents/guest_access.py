"""Signed, expiring links that open one ticket for a requester without an account.

The token names the ticket and its requester; it opens that ticket only, and only while the
requester is the same person. The confirmation mail carries it (notifications) and the portal
reads it; neither needs to know how it is made.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
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


def requester_for(email, name=""):
    """The user tickets from `email` belong to, and whether it existed: an existing one (any
    case of the address), else a new guest with no usable password (the portal's guest
    form and mail from a stranger both make them)."""
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).order_by("pk").first()
    if user is not None:
        return user, True
    username = email[:150]
    if User.objects.filter(username__iexact=username).exists():
        username = f"{email[:140]}-{User.objects.count()}"
    user = User(username=username, email=email, first_name=name[:150])
    user.set_unusable_password()
    user.save()
    return user, False
