"""What every page's frame needs to know of the person looking: which places are theirs."""

from incidents import roles


def people(request):
    user = getattr(request, "user", None)
    return {"is_agent": roles.is_agent(user), "is_supervisor": roles.is_supervisor(user)}
