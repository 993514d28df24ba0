"""The read-only status page an outside contact's link opens: one ticket's status in plain
words and the support team's public updates; never an internal note, never a form."""

from django.shortcuts import render
from django.utils import timezone

from incidents import roles
from incidents.models import Ticket
from notifications.contacts import read_status_token
from notifications.models import Contact

from . import status


def contact_status(request, token):
    found = read_status_token(token)
    ticket = contact = None
    if found is not None:
        ticket_id, contact_id = found
        contact = Contact.objects.filter(pk=contact_id, is_active=True).first()
        ticket = Ticket.objects.filter(pk=ticket_id).first() if contact else None
    if ticket is None:
        return render(request, "portal/guest_link_invalid.html", status=404)
    replies = ticket.replies.filter(internal=False).select_related("author").order_by("created_at")
    agents = set(
        roles.agents().filter(pk__in=[r.author_id for r in replies]).values_list("pk", flat=True)
    )
    context = {
        "ticket": ticket,
        "contact": contact,
        "words": status.words(ticket.status),
        "next_step": status.next_step(ticket, timezone.now()) if ticket.status != "pending" else "",
        "updates": [r for r in replies if r.author_id in agents],
    }
    response = render(request, "portal/contact_status.html", context)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response
