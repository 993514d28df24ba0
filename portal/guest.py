"""Help without an account: a guest submits a ticket and follows it by a signed link.

The guest is a User for their email address with no usable password and no group, so the
ticket, its mails and the desk treat them as any customer. The link (incidents.guest_access)
opens that one ticket: view, reply, reopen. Choosing a password turns the guest into an account
holder who keeps their tickets.
"""

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.forms import SetPasswordForm
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from incidents import guest_access, permissions, uploads
from incidents.clients import client_ip
from incidents.guest_access import requester_for
from incidents.models import Ticket
from incidents.models.lifecycle import TransitionError

from . import status, throttle
from .forms import GuestTicketForm
from .views import _attach_all, _refused, _ticket_page, _too_many, send_reply


def _throttled(request, email):
    ip_ok = throttle.hit("guest-ip", client_ip(request), settings.GUEST_SUBMISSIONS_PER_IP_HOUR)
    email_ok = throttle.hit("guest-email", email, settings.GUEST_SUBMISSIONS_PER_EMAIL_HOUR)
    return not (ip_ok and email_ok)


def guest_new(request):
    if request.user.is_authenticated:
        return redirect("portal:new")
    form = GuestTicketForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _throttled(request, data["email"]) or (
            data["attachments"] and not throttle.allows(request, files=True)
        ):
            return _too_many(request)
        try:
            with uploads.removed_if_not_saved(), transaction.atomic():
                requester, existed = requester_for(data["email"], data["name"])
                # Anyone may type an address: a ticket in the name of someone we already know
                # is held from their account (and their tickets from this visitor) until the
                # link mailed to that address confirms it.
                ticket = Ticket.open_ticket(
                    requester=requester,
                    subject=data["subject"],
                    description=data["description"],
                    impact=data["impact"],
                    urgency=data["urgency"],
                    channel=Ticket.Channel.PORTAL,
                    held=existed,
                )
                _attach_all(ticket, requester, data["attachments"])
        except uploads.UploadRefused as refused:
            form = _refused(form, refused)
            return render(request, "portal/guest_new.html", {"form": form}, status=400)
        ticket.refresh_from_db()
        return render(
            request,
            "portal/guest_sent.html",
            {"ticket": ticket, "email": data["email"], "hear_from_us": status.hear_from_us(ticket)},
        )
    return render(request, "portal/guest_new.html", {"form": form})


def _guest_ticket(request, token):
    """The ticket `token` opens, or None: a bad, expired or outdated link opens nothing."""
    found = guest_access.read(token)
    if found is None:
        return None
    ticket_id, requester_id = found
    return (
        Ticket.objects.select_related("requester")
        .filter(pk=ticket_id, requester_id=requester_id)
        .first()
    )


def _link_invalid(request):
    # Answering a mail helps only where mail is taken in (MAIL_INBOUND).
    context = {"replies_by_mail": settings.MAIL_INBOUND}
    return render(request, "portal/guest_link_invalid.html", context, status=404)


def guest_ticket(request, token):
    item = _guest_ticket(request, token)
    if item is None:
        return _link_invalid(request)
    if item.held:
        return _confirm_hold(request, item, token)
    if not guest_access.is_guest(item.requester):
        # They have an account now: the ticket is behind their sign-in like any other.
        return redirect("portal:ticket", item.pk)
    return _ticket_page(request, item, guest_token=token)


def _confirm_hold(request, item, token):
    """A held ticket's mailed link: the address's owner confirms (POST) that it is theirs."""
    if request.method != "POST":
        return render(request, "portal/guest_confirm.html", {"ticket": item})
    item.release_hold()
    messages.success(
        request, _("Confirmed: %(reference)s is yours.") % {"reference": item.reference}
    )
    return redirect("portal:guest-ticket", token)


def _guest_or_none(request, token, held=False):
    item = _guest_ticket(request, token)
    if item is None or not guest_access.is_guest(item.requester):
        return None
    if item.held and not held:
        return None
    return item


@require_POST
def guest_reply(request, token):
    item = _guest_or_none(request, token)
    if item is None:
        return _link_invalid(request)
    back = reverse("portal:guest-ticket", args=[token])
    return send_reply(request, item, item.requester, back, guest_token=token)


@require_POST
def guest_reopen(request, token):
    item = _guest_or_none(request, token)
    if item is None:
        return _link_invalid(request)
    try:
        item.reopen(item.requester)
    except TransitionError:
        messages.error(request, _("This ticket can't be reopened; please open a new ticket."))
    else:
        messages.success(request, _("Reopened: we're on it again."))
    return redirect("portal:guest-ticket", token)


def guest_attachment(request, token, attachment_id):
    item = _guest_or_none(request, token)
    if item is None:
        return _link_invalid(request)
    found = get_object_or_404(
        permissions.visible_attachments(item.requester, item.attachments.all()), pk=attachment_id
    )
    return uploads.as_download(found)


def guest_password(request, token):
    """Choose a password: the guest becomes an account holder, signed in, with their tickets.

    The link reached them at their address, so that address (and this ticket, if it was held)
    counts as confirmed."""
    item = _guest_or_none(request, token, held=True)
    if item is None:
        return _link_invalid(request)
    user = item.requester
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
            EmailAddress.objects.update_or_create(
                user=user,
                email__iexact=user.email,
                defaults={"email": user.email, "verified": True, "primary": True},
            )
            item.release_hold()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, _("Your account is ready. Here are your tickets."))
        return redirect("portal:home")
    return render(request, "portal/guest_password.html", {"form": form, "ticket": item})
