"""Agent pages: parse, call the domain, render. Visibility is `Ticket.objects.visible_to`,
the same rule the API applies."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render

from incidents import roles
from incidents.models import Ticket


def _agent(request):
    if not roles.is_agent(request.user):
        raise PermissionDenied


@login_required
def queue(request):
    _agent(request)
    tickets = (
        Ticket.objects.visible_to(request.user)
        .active()
        .select_related("requester", "assignee", "team")
        .order_by("resolution_due_at")[:50]
    )
    return render(request, "desk/queue.html", {"tickets": tickets})


@login_required
def ticket(request, ticket_id):
    _agent(request)
    item = get_object_or_404(Ticket.objects.visible_to(request.user), pk=ticket_id)
    replies = item.replies.select_related("author")
    return render(request, "desk/ticket.html", {"ticket": item, "replies": replies})
