"""Which ticket a mail answers, most reliable evidence first: the plus address we set as
Reply-To, then a Message-ID of ours in In-Reply-To/References, then `[HD-n]` in the subject.
Whether the sender may write on it is ingest's question, not this module's."""

import re
from dataclasses import dataclass

from incidents.models import Ticket

from .. import email as outgoing
from ..models import Notification

SUBJECT_REFERENCE = re.compile(r"\[(HD-\d{1,18})\]", re.IGNORECASE)


@dataclass
class Target:
    ticket: Ticket
    via: str
    # True: an answer to an agents' mail (an internal note); False: to a customer's mail;
    # None: the evidence does not say.
    internal: bool | None


def target_of(mail):
    return _by_plus_address(mail) or _by_references(mail) or _by_subject(mail)


def _ticket(reference=None, pk=None):
    tickets = Ticket.objects.select_related("requester", "team")
    return (
        tickets.filter(reference=reference).first() if reference else tickets.filter(pk=pk).first()
    )


def _by_plus_address(mail):
    for address in mail.recipients:
        found = outgoing.reference_in(address)
        ticket = found and _ticket(reference=found[0])
        if ticket:
            return Target(ticket, "plus address", found[1])
    return None


def _by_references(mail):
    for message_id in mail.references:
        notification = outgoing.notification_in(message_id)
        row = notification and Notification.objects.filter(pk=notification).first()
        ticket = row and row.ticket_id and _ticket(pk=row.ticket_id)
        if ticket:
            return Target(ticket, "references", row.kind not in Notification.CUSTOMER_KINDS)
    for message_id in mail.references:
        ticket_id = outgoing.ticket_in(message_id)
        ticket = ticket_id and _ticket(pk=ticket_id)
        if ticket:
            return Target(ticket, "references", None)
    return None


def _by_subject(mail):
    found = SUBJECT_REFERENCE.search(mail.subject or "")
    ticket = found and _ticket(reference=found.group(1).upper())
    return Target(ticket, "subject", None) if ticket else None
