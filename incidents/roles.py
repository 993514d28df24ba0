"""Who someone is in Tierdesk: customer, agent or supervisor (SPEC "People")."""

AGENTS = "agents"
SUPERVISORS = "supervisors"


def _group_names(user):
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_tierdesk_groups", None)
    if cached is None:
        remember_groups(user, user.groups.values_list("name", flat=True))
        cached = user._tierdesk_groups
    return cached


def remember_groups(user, names):
    """Keep the group names of `user` read along with it (saves `_group_names` its query)."""
    user._tierdesk_groups = frozenset(names)


def is_supervisor(user):
    return bool(getattr(user, "is_superuser", False)) or SUPERVISORS in _group_names(user)


def is_agent(user):
    """Agents and supervisors both work the desk."""
    return is_supervisor(user) or AGENTS in _group_names(user)


def is_customer(user):
    return getattr(user, "is_authenticated", False) and not is_agent(user)


def agents():
    """The people who work the desk (agents, supervisors, superusers), active ones only: who a
    ticket can be assigned to, who can be a team member, whom an escalation level may name."""
    return desk_people().filter(is_active=True)


def desk_people():
    """Everyone who works the desk or did (agents, supervisors, superusers, active or not): whose
    past work the reports count."""
    from django.contrib.auth import get_user_model
    from django.db.models import Q

    return (
        get_user_model()
        .objects.filter(Q(is_superuser=True) | Q(groups__name__in=[AGENTS, SUPERVISORS]))
        .distinct()
    )
