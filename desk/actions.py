"""The workspace's POST actions. Each parses its form, refuses one out of date or stale, calls
the same lifecycle method as the API, and redirects back to the ticket; a refusal renders the
workspace again with its message and what was typed."""

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from incidents import permissions
from incidents.models import Follower
from incidents.models.lifecycle import TransitionError

from . import history, timeline
from .forms import (
    OUT_OF_DATE,
    ActionForm,
    AssignForm,
    EscalateForm,
    PriorityForm,
    ReplyForm,
    StatusForm,
    problems,
)
from .views import agent_required, render_workspace, visible_ticket

ACTIONS = {}


def action(name, form_class, allowed):
    """Register an action under `name`: its input parsed by `form_class`, done only by users
    `allowed(user, ticket)` admits."""

    def register(perform):
        ACTIONS[name] = (perform, form_class, allowed)
        return perform

    return register


def _name(user):
    return user.get_full_name() or user.get_username()


@action("take", ActionForm, permissions.can_change_ticket)
def take(user, ticket, data):
    ticket.update(user, assignee=user)
    return _("You took %(ticket)s.") % {"ticket": ticket.reference}


@action("acknowledge", ActionForm, permissions.can_acknowledge)
def acknowledge(user, ticket, data):
    if ticket.acknowledge(user) is None:
        return _("%(ticket)s was already acknowledged.") % {"ticket": ticket.reference}
    return _("%(ticket)s acknowledged.") % {"ticket": ticket.reference}


@action("status", StatusForm, permissions.can_change_ticket)
def change_status(user, ticket, data):
    ticket.update(user, status=data["status"])
    return _("Status is now %(status)s.") % {
        "status": str(history.STATUS_WORDS.get(ticket.status, ticket.status)).lower()
    }


@action("assign", AssignForm, permissions.can_change_ticket)
def assign(user, ticket, data):
    assignee = data["assignee"]
    ticket.update(user, assignee=assignee)
    if assignee:
        return _("%(ticket)s is assigned to %(name)s.") % {
            "ticket": ticket.reference,
            "name": _name(assignee),
        }
    return _("%(ticket)s is assigned to nobody.") % {"ticket": ticket.reference}


@action("priority", PriorityForm, permissions.can_change_ticket)
def override_priority(user, ticket, data):
    ticket.update(user, priority=data["priority"], reason=data["reason"])
    return _("Priority is now %(priority)s.") % {"priority": ticket.priority}


@action("escalate", EscalateForm, permissions.can_escalate)
def escalate(user, ticket, data):
    ticket.escalate(user, data["reason"], team=data["team"], assignee=data["assignee"])
    team = {"team": ticket.team.name, "tier": ticket.team.tier}
    if data["assignee"]:
        return _("Escalated to %(name)s of %(team)s (tier %(tier)s).") % {
            **team,
            "name": _name(data["assignee"]),
        }
    return _("Escalated to %(team)s (tier %(tier)s).") % team


@action("resolve", ActionForm, permissions.can_resolve)
def resolve(user, ticket, data):
    if ticket.status == "resolved":
        raise TransitionError(_("This ticket is already resolved."))
    ticket.resolve(user)
    return _("%(ticket)s resolved.") % {"ticket": ticket.reference}


@action("reopen", ActionForm, permissions.can_reopen)
def reopen(user, ticket, data):
    ticket.reopen(user)
    return _("%(ticket)s reopened.") % {"ticket": ticket.reference}


@require_POST
@agent_required
def act(request, ticket_id, action):
    if action not in ACTIONS:
        raise Http404
    perform, form_class, allowed = ACTIONS[action]
    form = form_class(request.POST)
    with transaction.atomic():
        ticket = visible_ticket(request, ticket_id, lock=True)
        refused = _refused(request, ticket, form, allowed)
        if refused:
            return refused
        try:
            done = perform(request.user, ticket, form.cleaned_data)
        except TransitionError as exc:
            return _refuse(request, ticket, str(exc))
    messages.success(request, done)
    return redirect("desk:ticket", ticket.pk)


@require_POST
@agent_required
def follow(request, ticket_id):
    """Follow (or, with `stop`, stop following) a ticket this agent can see."""
    ticket = visible_ticket(request, ticket_id)
    if request.POST.get("stop"):
        Follower.objects.unfollow(ticket, request.user)
        messages.success(
            request, _("You no longer follow %(ticket)s.") % {"ticket": ticket.reference}
        )
    else:
        Follower.objects.follow(ticket, request.user)
        messages.success(
            request,
            _("You follow %(ticket)s: its public changes reach you.")
            % {"ticket": ticket.reference},
        )
    return redirect("desk:ticket", ticket.pk)


@require_POST
@agent_required
def reply(request, ticket_id):
    form = ReplyForm(request.POST)
    internal = form["visibility"].value() == "internal"
    allowed = permissions.can_write_internal if internal else permissions.can_reply
    with transaction.atomic():
        ticket = visible_ticket(request, ticket_id, lock=True)
        refused = _refused(request, ticket, form, allowed)
        if refused:
            return refused
        try:
            ticket.add_reply(request.user, form.cleaned_data["body"], internal=internal)
        except TransitionError as exc:
            return _refuse(request, ticket, str(exc))
    messages.success(request, _("Internal note added.") if internal else _("Reply sent."))
    return redirect("desk:ticket", ticket.pk)


def _refused(request, ticket, form, allowed):
    """The workspace again if the form may not be acted on, with the typed text kept: not the
    user's to change (403), out of date (400), changed since it was shown (409), or a value
    refused (400). None if it may."""
    if not allowed(request.user, ticket):
        return _refuse(request, ticket, permissions.refusal(request.user, ticket), status=403)
    if not form.is_valid() and "updated_at" in form.errors:
        return _refuse(request, ticket, str(OUT_OF_DATE))
    stale = refuse_if_stale(request, ticket, form.cleaned_data["updated_at"])
    if stale:
        return stale
    if form.errors:
        return _refuse(request, ticket, problems(form))
    return None


def _refuse(request, ticket, message, status=400):
    messages.error(request, message)
    ticket.refresh_from_db()  # a refused change may have left the instance half-changed
    return render_workspace(request, ticket, kept=request.POST, status=status)


def refuse_if_stale(request, ticket, seen):
    """If the ticket changed since the form was rendered (`seen`), render it again with what
    changed and the typed text kept (status 409); otherwise None."""
    changed = timeline.recent_events(ticket, seen)
    if not changed and ticket.updated_at <= seen:
        return None
    messages.error(
        request,
        _(
            "%(ticket)s changed since you opened it, so nothing was done. "
            "Check what changed below; your text is kept."
        )
        % {"ticket": ticket.reference},
    )
    return render_workspace(request, ticket, kept=request.POST, changed=changed, status=409)
