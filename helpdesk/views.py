"""Project-level pages that belong to no app."""

from django.shortcuts import redirect, render

from incidents import roles


def home(request):
    """Send people where they work: customers to the portal, agents to the desk."""
    if roles.is_agent(request.user):
        return redirect("desk:home")
    if request.user.is_authenticated:
        return redirect("portal:home")
    return render(request, "home.html")
