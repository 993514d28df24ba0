"""Customer pages: parse, call the domain, render. What a customer may see is decided by
`Ticket.objects.visible_to` and `incidents.permissions`, as in the API."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from incidents import permissions
from incidents.models import Ticket


def _ticket_for(request, ticket_id):
    return get_object_or_404(Ticket.objects.visible_to(request.user), pk=ticket_id)


@login_required
def my_tickets(request):
    tickets = Ticket.objects.filter(requester=request.user).order_by("-updated_at")[:50]
    return render(request, "portal/my_tickets.html", {"tickets": tickets})


@login_required
def ticket(request, ticket_id):
    item = _ticket_for(request, ticket_id)
    replies = permissions.visible_replies(request.user, item.replies.select_related("author"))
    return render(request, "portal/ticket.html", {"ticket": item, "replies": replies})


@login_required
def rate(request, ticket_id):
    item = _ticket_for(request, ticket_id)
    return render(request, "portal/rate.html", {"ticket": item})
