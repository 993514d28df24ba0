"""Bulk actions on the queue's selected rows: assign or change status, each ticket through
`Ticket.update` (the same rules as the workspace and the API), one message for all."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from incidents import permissions
from incidents.models import Membership, Ticket
from incidents.models.lifecycle import TransitionError

from . import queue
from .views import STATUSES, agent_required


@require_POST
@agent_required
def bulk(request):
    """Apply one change to every selected ticket the agent can see; report done and refused."""
    if not permissions.can_change_ticket(request.user):
        raise PermissionDenied
    back = _back(request)
    ids = {int(value) for value in request.POST.getlist("ticket") if value.isdigit()}
    if not ids:
        messages.error(request, "Select at least one ticket first.")
        return redirect(back)
    try:
        change, check = _change(request)
    except TransitionError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    done, refused = [], []
    with transaction.atomic():
        tickets = (
            Ticket.objects.visible_to(request.user)
            .filter(pk__in=ids)
            .select_related("team", "assignee")
            .select_for_update(of=("self",))
            .order_by("pk")
        )
        for ticket in tickets:
            try:
                check(ticket)
                with transaction.atomic():  # a refusal undoes this ticket only
                    ticket.update(request.user, **change)
                done.append(ticket.reference)
            except TransitionError as exc:
                refused.append(f"{ticket.reference}: {str(exc).rstrip('.')}")
    missing = len(ids) - len(done) - len(refused)
    if missing:
        refused.append(f"{missing} ticket{'s' if missing > 1 else ''} not found")
    _report(request, done, refused)
    return redirect(back)


def _change(request):
    """(the fields for Ticket.update, a per-ticket check raising TransitionError)."""
    action = request.POST.get("action", "")
    if action == "status":
        status = request.POST.get("status", "")
        if status not in dict(STATUSES):
            raise TransitionError("Choose a status.")
        return {"status": status}, lambda ticket: None
    if action == "assign":
        value = request.POST.get("assignee", "")
        if not value:
            return {"assignee": None}, lambda ticket: None
        assignee = queue.desk_agents().filter(pk=value if value.isdigit() else None).first()
        if assignee is None:
            raise TransitionError("Choose an agent to assign to.")
        teams = set(Membership.objects.filter(user=assignee).values_list("team_id", flat=True))
        name = assignee.get_full_name() or assignee.get_username()

        def member_of_team(ticket):
            if ticket.team_id not in teams:
                team = ticket.team.name if ticket.team else "no team"
                raise TransitionError(f"{name} is not a member of {team}.")

        return {"assignee": assignee}, member_of_team
    raise TransitionError("Choose what to do with the selected tickets.")


def _report(request, done, refused):
    parts = []
    if done:
        parts.append(
            f"Changed {len(done)} ticket{'s' if len(done) > 1 else ''}: {', '.join(done)}."
        )
    if refused:
        parts.append(f"Refused {len(refused)}: {'; '.join(refused)}.")
    text = " ".join(parts)
    if not refused:
        messages.success(request, text)
    elif done:
        messages.warning(request, text)
    else:
        messages.error(request, text)


def _back(request):
    """The queue the form came from (its view, filters and page), or the plain queue."""
    home = reverse("desk:home")
    target = request.POST.get("next", "")
    if target.startswith(home) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return home
