"""The workspace's POST actions. Each refuses a stale form, calls the same lifecycle method as the
API, shows a TransitionError's message, and redirects back to the ticket."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_POST

from incidents import permissions
from incidents.models import Priority, Team, Ticket
from incidents.models.lifecycle import TransitionError

from . import timeline
from .views import agent_required, render_workspace, visible_ticket

ACTIONS = {}


def action(name, allowed):
    """Register an action under `name`, done only by users `allowed(user, ticket)` admits."""

    def register(perform):
        ACTIONS[name] = (perform, allowed)
        return perform

    return register


@action("take", permissions.can_change_ticket)
def take(request, ticket):
    ticket.update(request.user, assignee=request.user)
    return f"You took {ticket.reference}."


@action("acknowledge", permissions.can_acknowledge)
def acknowledge(request, ticket):
    if ticket.acknowledge(request.user) is None:
        return f"{ticket.reference} was already acknowledged."
    return f"{ticket.reference} acknowledged."


@action("status", permissions.can_change_ticket)
def change_status(request, ticket):
    status = request.POST.get("status", "")
    if status not in Ticket.Status.values:
        raise TransitionError("Choose a status.")
    ticket.update(request.user, status=status)
    return f"Status is now {ticket.get_status_display().lower()}."


@action("assign", permissions.can_change_ticket)
def assign(request, ticket):
    value = request.POST.get("assignee", "")
    assignee = None
    if value:
        team_members = ticket.team.memberships.values("user_id") if ticket.team else []
        assignee = get_user_model().objects.filter(pk=value, pk__in=team_members).first()
        if assignee is None:
            raise TransitionError("Choose a member of the ticket's team.")
    ticket.update(request.user, assignee=assignee)
    who = assignee.get_full_name() or assignee.get_username() if assignee else "nobody"
    return f"{ticket.reference} is assigned to {who}."


@action("priority", permissions.can_change_ticket)
def override_priority(request, ticket):
    priority = request.POST.get("priority", "")
    reason = request.POST.get("reason", "").strip()
    if priority not in Priority.values:
        raise TransitionError("Choose a priority from P1 to P4.")
    if not reason:
        raise TransitionError("Give a reason for overriding the priority.")
    ticket.set_priority(request.user, priority, reason=reason)
    return f"Priority is now {ticket.priority}."


@action("escalate", permissions.can_escalate)
def escalate(request, ticket):
    team = None
    if request.POST.get("team"):
        team = Team.objects.filter(pk=request.POST["team"]).first()
        if team is None:
            raise TransitionError("That team does not exist.")
    ticket.escalate(request.user, request.POST.get("reason", ""), team=team)
    return f"Escalated to {ticket.team.name} (tier {ticket.team.tier})."


@action("resolve", permissions.can_resolve)
def resolve(request, ticket):
    if ticket.status == "resolved":
        raise TransitionError("This ticket is already resolved.")
    ticket.resolve(request.user)
    return f"{ticket.reference} resolved."


@action("reopen", permissions.can_reopen)
def reopen(request, ticket):
    ticket.reopen(request.user)
    return f"{ticket.reference} reopened."


@require_POST
@agent_required
def act(request, ticket_id, action):
    if action not in ACTIONS:
        raise Http404
    perform, allowed = ACTIONS[action]
    with transaction.atomic():
        ticket = visible_ticket(request, ticket_id, lock=True)
        if not allowed(request.user, ticket):
            raise PermissionDenied
        refused = refuse_if_stale(request, ticket)
        if refused:
            return refused
        try:
            messages.success(request, perform(request, ticket))
        except TransitionError as exc:
            messages.error(request, str(exc))
    return redirect("desk:ticket", ticket.pk)


@require_POST
@agent_required
def reply(request, ticket_id):
    internal = request.POST.get("visibility") == "internal"
    body = request.POST.get("body", "").strip()
    with transaction.atomic():
        ticket = visible_ticket(request, ticket_id, lock=True)
        if internal and not permissions.can_write_internal(request.user):
            raise PermissionDenied
        refused = refuse_if_stale(request, ticket)
        if refused:
            return refused
        if not body:
            messages.error(request, "Write a reply or a note before sending.")
            return render_workspace(request, ticket, kept=request.POST, status=400)
        try:
            ticket.add_reply(request.user, body, internal=internal)
        except TransitionError as exc:
            messages.error(request, str(exc))
            return render_workspace(request, ticket, kept=request.POST, status=400)
    messages.success(request, "Internal note added." if internal else "Reply sent.")
    return redirect("desk:ticket", ticket.pk)


def refuse_if_stale(request, ticket):
    """If the ticket changed since the form was rendered, render it again with what changed and
    the typed text kept (status 409); otherwise None."""
    seen = parse_datetime(request.POST.get("updated_at", ""))
    if seen is not None:
        changed = timeline.recent_events(ticket, seen)
        if not changed and ticket.updated_at <= seen:
            return None
    else:
        changed = []
    messages.error(
        request,
        f"{ticket.reference} changed since you opened it, so nothing was done. "
        "Check what changed below; your text is kept.",
    )
    return render_workspace(request, ticket, kept=request.POST, changed=changed, status=409)
