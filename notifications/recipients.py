"""Who may receive a notification: a usable address, not opted out, and the right audience."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from incidents import roles

from .models import Notification, NotificationPreference


def dedupe(users):
    """Users in their given order, each once, skipping empties and inactive accounts."""
    seen, unique = set(), []
    for user in users:
        if user is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        unique.append(user)
    return unique


def agent_ids(users):
    """Ids of the agents and supervisors among `users`: one query for the group memberships."""
    ids = {u.pk for u in users if u.is_superuser}
    memberships = get_user_model().groups.through.objects.filter(
        user_id__in=[u.pk for u in users],
        group__in=Group.objects.filter(name__in=[roles.AGENTS, roles.SUPERVISORS]),
    )
    return ids | set(memberships.values_list("user_id", flat=True))


def eligible(kind, users, *, force=False):
    """The users who should get `kind` by email.

    Skips users without an email address, users who opted out of the kind or whose address
    bounced until it was marked undeliverable (unless `force`:
    an escalation addressed to someone always reaches them), and — whatever the caller asked —
    customers for the agent-only kinds, so an internal event never reaches a customer.
    """
    users = [u for u in dedupe(users) if (u.email or "").strip()]
    if not users:
        return []
    if kind not in Notification.CUSTOMER_KINDS:
        agents = agent_ids(users)
        users = [u for u in users if u.pk in agents]
    if users and not force:
        off = NotificationPreference.opted_out(kind, [u.pk for u in users])
        users = [u for u in users if u.pk not in off]
    return users
