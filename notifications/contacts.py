"""Outside contacts: what they are sent and the signed, read-only status link they follow.

A contact is told what a customer would read: the ticket's reference, subject, description and
status, with a link to a read-only status page. The payload is built from
`rendering.public_ticket` and an empty event, so no reason, internal note or agent detail can
reach it (a test reads every row a contact gets).
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from . import outbox, rendering, webhooks
from .models import Contact, Notification

SALT = "notifications.contact-status"
KIND = Notification.Kind.CONTACT_UPDATE.value


def _signer():
    return signing.TimestampSigner(salt=SALT)


def status_token(ticket_id, contact_id):
    return _signer().sign_object({"t": ticket_id, "c": contact_id})


def read_status_token(token):
    """(ticket id, contact id) from a valid, unexpired token, else None."""
    max_age = timedelta(days=settings.GUEST_LINK_MAX_AGE_DAYS)
    try:
        data = _signer().unsign_object(token, max_age=max_age)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict) or not {"t", "c"} <= data.keys():
        return None
    return data["t"], data["c"]


def status_url(ticket, contact):
    token = status_token(ticket.pk, contact.pk)
    return rendering.site_url(reverse("portal:contact-status", args=[token]))


def notify_many(notices, queue_with=None):
    """Write the rows of many (ticket, contact ids, key) at once: an email and/or a webhook per
    active contact, each once per key; two queries and one insert (`queue_with`: as
    outbox.insert's)."""
    ids = {pk for _ticket, contact_ids, _key in notices for pk in contact_ids}
    if not ids:
        return []
    contacts = Contact.objects.filter(pk__in=ids, is_active=True).in_bulk()
    wanted = {}
    for ticket, contact_ids, key in notices:
        for pk in sorted(set(contact_ids)):
            contact = contacts.get(pk)
            if contact is None:
                continue
            if contact.email.strip():
                wanted[outbox.row_key(key, KIND, f"contact:{pk}:email")] = (ticket, contact, key)
            if contact.webhook_url:
                wanted[outbox.row_key(key, KIND, f"contact:{pk}:webhook")] = (ticket, contact, key)
    now = timezone.now()
    rows = [_row(row, *wanted[row], now) for row in outbox.new_keys(list(wanted))]
    return outbox.insert(rows, ids_only=True, queue_with=queue_with)


def _row(row, ticket, contact, key, now):
    info = rendering.public_ticket(ticket, url=status_url(ticket, contact))
    summary = rendering.subject_line(KIND, info, {})
    common = {  # every row the same columns: they are written in one statement
        "idempotency_key": row,
        "secret": "",
        "kind": KIND,
        "ticket_id": ticket.pk,
        "cause": key,
        "subject": summary,
        "created_at": now,
        "next_attempt_at": now,
    }
    if row.endswith(":email"):
        payload = {"ticket": info, "event": {}, "name": contact.name}
        return {
            **common,
            "channel": Notification.Channel.EMAIL,
            "address": contact.email.strip(),
            "payload": payload,
        }
    return {
        **common,
        "channel": Notification.Channel.WEBHOOK,
        "address": contact.webhook_url,
        "secret": contact.webhook_secret,
        "payload": webhooks.body(KIND, info, {"at": now.isoformat()}, summary),
    }
