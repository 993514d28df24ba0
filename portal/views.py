"""Customer pages: parse, call the domain, render. What a customer may see is decided by
`Ticket.objects.visible_to` and `incidents.permissions`, as in the API; a ticket someone may not
see is a 404, never a 403."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from incidents import permissions, uploads
from incidents.api.throttling import TicketCreateThrottle
from incidents.models import Attachment, Ticket
from incidents.models.lifecycle import TransitionError

from . import status, throttle
from .forms import NewTicketForm, RatingForm, ReplyForm, TicketSearchForm

PAGE_SIZE = 25


def _ticket_for(request, ticket_id):
    return get_object_or_404(
        Ticket.objects.visible_to(request.user).select_related("requester"), pk=ticket_id
    )


@login_required
def my_tickets(request):
    search = TicketSearchForm(request.GET)
    status_code = 200
    if not search.is_valid():
        status_code = 400
        messages.error(request, _("Your search could not be read, so it was left out."))
    show = search.cleaned_data.get("show", "")
    query = search.cleaned_data.get("q", "")
    tickets = Ticket.objects.requested_by(request.user)
    if show == "open":
        tickets = tickets.filter(status__in=status.OPEN_STATUSES)
    elif show == "closed":
        tickets = tickets.filter(status__in=status.CLOSED_STATUSES)
    if query:
        # "HD-12" or just "12" finds the ticket by reference; anything else searches subjects.
        reference = query if query.upper().startswith("HD-") else f"HD-{query}"
        tickets = tickets.filter(Q(reference__iexact=reference) | Q(subject__icontains=query))
    tickets = tickets.only("pk", "reference", "subject", "status", "updated_at")
    page = Paginator(tickets.order_by("-updated_at", "-pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "portal/my_tickets.html",
        {"page": page, "show": show, "query": query},
        status=status_code,
    )


def _attach_all(ticket, user, attachments, reply=None):
    """Ticket.attach_all; its UploadRefused is for the caller to show under the form's field."""
    ticket.attach_all(user, attachments, reply=reply)


def _refused(form, refused):
    """A refusal of the files as a whole (a message or a ticket over its limit), on the field."""
    form.add_error("attachments", str(refused))
    return form


def _too_many(request):
    return render(request, "429.html", status=429)


@login_required
def new_ticket(request):
    form = NewTicketForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        if not TicketCreateThrottle().allow_request(request, None):
            return render(request, "429.html", status=429)
        data = form.cleaned_data
        if data["attachments"] and not throttle.allows(request, files=True):
            return _too_many(request)
        try:
            with uploads.removed_if_not_saved(), transaction.atomic():
                ticket = Ticket.open_ticket(
                    requester=request.user,
                    subject=data["subject"],
                    description=data["description"],
                    impact=data["impact"],
                    urgency=data["urgency"],
                    channel=Ticket.Channel.PORTAL,
                )
                _attach_all(ticket, request.user, data["attachments"])
        except uploads.UploadRefused as refused:
            form = _refused(form, refused)
            return render(request, "portal/new_ticket.html", {"form": form}, status=400)
        ticket.refresh_from_db()  # the escalation app has set the due times meanwhile
        messages.success(
            request,
            _("Thank you: your ticket is %(reference)s.") % {"reference": ticket.reference}
            + " "
            + status.hear_from_us(ticket),
        )
        return redirect("portal:ticket", ticket.pk)
    return render(request, "portal/new_ticket.html", {"form": form})


def _ticket_page(request, item, reply_form=None, code=200, guest_token=None):
    """The ticket page, for its signed-in viewer or, with `guest_token`, for a guest requester."""
    user = item.requester if guest_token else request.user
    attachments = permissions.visible_attachments(user, Attachment.objects.all())
    replies = permissions.visible_replies(
        user,
        item.replies.select_related("author").prefetch_related(
            Prefetch("attachments", queryset=attachments)
        ),
    )
    if guest_token:
        urls = {
            name: reverse(f"portal:guest-{name}", args=[guest_token])
            for name in ("reply", "reopen", "rate")
        }
    else:
        urls = {
            name: reverse(f"portal:{name}", args=[item.pk])
            for name in ("reply", "reopen", "solved", "rate")
        }
    context = {
        "ticket": item,
        "replies": replies,
        "attachments": attachments.filter(ticket=item, reply__isnull=True),
        "status_words": status.words(item.status),
        "next_step": status.next_step(item),
        "next_moment": status.next_moment(item),
        "reply_form": reply_form or ReplyForm(),
        "urls": urls,
        "guest_token": guest_token,
        "can_reply": item.status != "closed" and _reply_allowed(item),
        "can_mark_solved": not guest_token and permissions.can_mark_solved(user, item),
        "can_reopen": item.status == "resolved" and item.can_be_reopened_by_requester(),
        "can_rate": item.requester_id == user.pk
        and item.status in status.CLOSED_STATUSES
        and item.resolved_at is not None
        and not item.is_rated(),
    }
    return render(request, "portal/ticket.html", context, status=code)


def _reply_allowed(item):
    # Past the reopen window a reply would silently reopen an old ticket: ask for a new one.
    return item.status != "resolved" or item.can_be_reopened_by_requester()


@login_required
def ticket(request, ticket_id):
    return _ticket_page(request, _ticket_for(request, ticket_id))


@login_required
@require_POST
def reply(request, ticket_id):
    item = _ticket_for(request, ticket_id)
    return send_reply(request, item, request.user, reverse("portal:ticket", args=[item.pk]))


def send_reply(request, item, author, back, guest_token=None):
    """A customer's reply and its files, from their ticket page or a guest link: one form, one
    set of rules; only who writes and where the page is differ. Answers the page again (400)
    with the typed text on bad input, else goes `back` with a message."""
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _ticket_page(request, item, reply_form=form, code=400, guest_token=guest_token)
    if not _reply_allowed(item):
        messages.error(request, _("This ticket can no longer take replies."))
        return redirect(back)
    files = form.cleaned_data["attachments"]
    guest = {"guest_ticket": item} if guest_token else {}
    if not throttle.allows(request, reply=True, files=bool(files), **guest):
        return _too_many(request)
    try:
        with uploads.removed_if_not_saved(), transaction.atomic():
            answer = item.add_reply(author, form.cleaned_data["body"])
            _attach_all(item, author, files, reply=answer)
    except uploads.UploadRefused as refused:
        form = _refused(form, refused)
        return _ticket_page(request, item, reply_form=form, code=400, guest_token=guest_token)
    except TransitionError:
        messages.error(request, _("This ticket is closed and can no longer take replies."))
    else:
        messages.success(request, _("Your reply was sent."))
    return redirect(back)


@login_required
@require_POST
def mark_solved(request, ticket_id):
    item = _ticket_for(request, ticket_id)
    if not permissions.can_mark_solved(request.user, item):
        messages.error(request, _("This ticket is already solved or closed."))
        return redirect("portal:ticket", item.pk)
    item.resolve(request.user)
    messages.success(request, _("Glad it's solved. Thank you for letting us know."))
    return redirect("portal:ticket", item.pk)


@login_required
@require_POST
def reopen(request, ticket_id):
    item = _ticket_for(request, ticket_id)
    if not permissions.can_reopen(request.user, item):
        raise Http404
    try:
        item.reopen(request.user)
    except TransitionError:
        messages.error(request, _("This ticket can't be reopened; please open a new ticket."))
    else:
        messages.success(request, _("Reopened: we're on it again."))
    return redirect("portal:ticket", item.pk)


@login_required
def rate(request, ticket_id):
    item = _ticket_for(request, ticket_id)
    return rate_page(request, item, request.user, reverse("portal:ticket", args=[item.pk]))


def rate_page(request, item, rater, back):
    """The rating the resolved mail promises, once per resolution, by the requester (`rater`:
    the signed-in customer, or a guest's requester through their link); `back` is their ticket
    page."""
    form = RatingForm(request.POST or None)
    can_rate = (
        item.requester_id == rater.pk
        and item.status in status.CLOSED_STATUSES
        and not item.is_rated()
    )
    if request.method == "POST" and can_rate and form.is_valid():
        try:
            item.rate(rater, form.cleaned_data["rating"], form.cleaned_data["comment"])
        except TransitionError:
            pass  # rated meanwhile, in another tab: the page below says so
        else:
            messages.success(request, _("Thank you for your feedback."))
            return redirect(back)
        can_rate = False
    context = {
        "ticket": item,
        "form": form,
        "can_rate": can_rate,
        "rated": item.is_rated(),
        "back": back,
    }
    return render(request, "portal/rate.html", context, status=400 if form.errors else 200)


@login_required
def attachment(request, ticket_id, attachment_id):
    item = _ticket_for(request, ticket_id)
    found = get_object_or_404(
        permissions.visible_attachments(request.user, item.attachments.all()), pk=attachment_id
    )
    return uploads.as_download(found)
