"""How API requests say who they are: a token (or the session of a signed-in page)."""

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from .. import addresses, roles


def _user_fields():
    return [field.attname for field in get_user_model()._meta.concrete_fields]


def token_rows(key):
    """The token's user, when the token was made, whether their address awaits confirmation,
    and their group names: a row per group (one with none), in one query."""
    return list(
        get_user_model()
        .objects.filter(auth_token__key=key)
        .annotate(unconfirmed=addresses.unconfirmed())
        .values_list(*_user_fields(), "auth_token__created", "unconfirmed", "groups__name")
    )


UNCONFIRMED = _("Confirm your email address first: follow the link we mailed you.")


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication in one query that also reads the user's groups and whether
    their address is confirmed: every API request pays it, and almost every endpoint asks the
    caller's role (incidents.roles), which cost a query of its own."""

    def authenticate_credentials(self, key):
        rows = token_rows(key)
        if not rows:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        fields = _user_fields()
        user = get_user_model().from_db(connection.alias, fields, rows[0][: len(fields)])
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        if rows[0][-2]:
            raise exceptions.AuthenticationFailed(UNCONFIRMED)
        roles.remember_groups(user, [row[-1] for row in rows if row[-1] is not None])
        token = Token.from_db(
            connection.alias, ["key", "user_id", "created"], [key, user.pk, rows[0][-3]]
        )
        token.user = user
        return user, token
