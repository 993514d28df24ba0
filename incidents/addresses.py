"""Whose email address is confirmed: one rule for the site login, API tokens and API requests.

allauth records the address of every account it enrols (sign-up) as an EmailAddress row and
confirms it by a mailed link. An account whose primary address is recorded and not confirmed
has not shown that it owns the address: it gets no session, no token and no API access.
Accounts made by staff (the admin, seed_demo) get a confirmed row; an account with no row at
all was vouched for by whoever made it (docs/security.md).
"""

from allauth.account.models import EmailAddress
from django.db.models import Exists, OuterRef


def _unconfirmed_rows(user_id):
    return EmailAddress.objects.filter(user_id=user_id, primary=True, verified=False)


def unconfirmed():
    """An expression for a query over users: true while their primary address is unconfirmed."""
    return Exists(_unconfirmed_rows(OuterRef("pk")))


def is_confirmed(user):
    return not _unconfirmed_rows(user.pk).exists()


def confirm(user):
    """Record `user`'s address as confirmed by whoever made the account (the admin, seed_demo),
    unless another account has confirmed it: an address belongs to one account."""
    email = (user.email or "").lower()
    if (
        not email
        or EmailAddress.objects.filter(email=email, verified=True).exclude(user=user).exists()
    ):
        return
    EmailAddress.objects.filter(user=user, primary=True).exclude(email=email).update(primary=False)
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
