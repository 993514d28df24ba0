"""What every page's frame needs to know of the person looking: which places are theirs."""

from incidents import permissions, roles


def people(request):
    user = getattr(request, "user", None)
    return {
        "is_agent": roles.is_agent(user),
        "is_supervisor": roles.is_supervisor(user),
        # Called by the template only where it asks (an agent's navigation): a lead's check
        # reads their memberships.
        "can_read_reports": lambda: permissions.can_read_reports(user),
    }
