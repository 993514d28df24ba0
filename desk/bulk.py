"""Bulk actions on the queue's selected rows: assign or change status, each ticket through
`Ticket.update` (the same rules as the workspace and the API), one message for all."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.db import transaction
from django.http import QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from incidents import permissions
from incidents.models import Ticket
from incidents.models.lifecycle import TransitionError

from .forms import BulkForm, problems
from .views import agent_required, render_queue


@require_POST
@agent_required
def bulk(request):
    """Apply one change to every selected ticket the agent can see; report done and refused.
    A form that cannot be read is answered with the queue it came from, status 400."""
    form = BulkForm(request.POST)
    valid = form.is_valid()
    back = _back(request, form.cleaned_data.get("next", ""))
    if not valid:
        messages.error(request, problems(form))
        return render_queue(request, QueryDict(urlsplit(back).query), back, status=400)
    ids, change = form.cleaned_data["ticket"], form.change()
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
            if not permissions.can_change_ticket(request.user, ticket):
                refusal = permissions.refusal(request.user, ticket)
                refused.append(f"{ticket.reference}: {_sentence(refusal)}")
                continue
            try:
                with transaction.atomic():  # a refusal undoes this ticket only
                    ticket.update(request.user, **change)
                done.append(ticket.reference)
            except TransitionError as exc:
                refused.append(f"{ticket.reference}: {_sentence(str(exc))}")
    missing = len(ids) - len(done) - len(refused)
    if missing:
        refused.append(f"{missing} ticket{'s' if missing > 1 else ''} not found")
    _report(request, done, refused)
    return redirect(back)


def _sentence(text):
    return text.rstrip(".")


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


def _back(request, target):
    """The queue the form came from (its view, filters and page), or the plain queue."""
    home = reverse("desk:home")
    if target.startswith(home) and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return home
