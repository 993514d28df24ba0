"""How API requests say who they are: a token (or the session of a signed-in page)."""

from datetime import UTC, datetime
from functools import cache

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from .. import roles
from ..models import Membership, Profile
from ..models.teams import remember_team_ids
from .reading import remember_zone


@cache
def _user_fields():
    return [field.attname for field in get_user_model()._meta.concrete_fields]


@cache
def _token_sql(quote):
    """One statement, written once from the models' table and column names (the `_meta` API):
    the token's user, when the token was made, whether their primary address awaits
    confirmation (incidents/addresses.py's rule), their profile's time zone (NULL with no
    profile: the API's readable times, incidents/api/reading.py), their group names and the
    ids of their teams (an agent's list asked for them in a query of its own, a tenth of it:
    issue 29), a row per group and team (one with none). Every API request pays it, so it is
    not rebuilt through the ORM each time (that was a fifth of a ticket create,
    docs/benchmarks.md "Seventh pass")."""
    user = get_user_model()._meta
    token = Token._meta
    address = EmailAddress._meta
    member = user.get_field("groups").remote_field.through._meta
    group = Group._meta
    profile = Profile._meta
    membership = Membership._meta

    def col(table, opts, name):
        return f"{table}.{quote(opts.get_field(name).column)}"

    columns = ", ".join(f"u.{quote(field.column)}" for field in user.concrete_fields)
    return (
        f"SELECT {columns}, {col('t', token, 'created')}, "
        f"EXISTS (SELECT 1 FROM {quote(address.db_table)} a "
        f"WHERE {col('a', address, 'user')} = u.{quote(user.pk.column)} "
        f"AND {col('a', address, 'primary')} AND NOT {col('a', address, 'verified')}), "
        f"{col('p', profile, 'time_zone')}, {col('g', group, 'name')}, "
        f"{col('ms', membership, 'team')} "
        f"FROM {quote(user.db_table)} u "
        f"JOIN {quote(token.db_table)} t ON {col('t', token, 'user')} = u.{quote(user.pk.column)} "
        f"LEFT JOIN {quote(profile.db_table)} p "
        f"ON {col('p', profile, 'user')} = u.{quote(user.pk.column)} "
        f"LEFT JOIN {quote(member.db_table)} m "
        f"ON {col('m', member, get_user_model()._meta.model_name)} = u.{quote(user.pk.column)} "
        f"LEFT JOIN {quote(group.db_table)} g "
        f"ON g.{quote(group.pk.column)} = {col('m', member, 'group')} "
        f"LEFT JOIN {quote(membership.db_table)} ms "
        f"ON {col('ms', membership, 'user')} = u.{quote(user.pk.column)} "
        f"WHERE {col('t', token, 'key')} = %s"
    )


def _aware(value):
    """A column as the ORM would give it: SQLite's driver hands back naive UTC datetimes."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def token_rows(key):
    """The token's user fields, when the token was made, whether their address awaits
    confirmation, their profile's zone, a group name and a team id: a row per group and team
    (one, with None for each, when they have none)."""
    with connection.cursor() as cursor:
        cursor.execute(_token_sql(connection.ops.quote_name), [key])
        return [tuple(map(_aware, row)) for row in cursor.fetchall()]


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
        created, unconfirmed, zone = rows[0][-5:-2]
        if unconfirmed:
            raise exceptions.AuthenticationFailed(UNCONFIRMED)
        roles.remember_groups(user, {row[-2] for row in rows if row[-2] is not None})
        remember_team_ids(user, {row[-1] for row in rows if row[-1] is not None})
        remember_zone(user, zone)
        token = Token.from_db(
            connection.alias, ["key", "user_id", "created"], [key, user.pk, created]
        )
        token.user = user
        return user, token
