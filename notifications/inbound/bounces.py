"""Delivery-status notifications (RFC 3464): the outbox row a bounce names is marked failed,
and an address that bounced hard MailAddress.BOUNCE_LIMIT times is marked undeliverable."""

import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .. import email as outgoing
from ..models import DeliveryAttempt, MailAddress, Notification
from .parse import header

STATUS = re.compile(r"^\s*Status:\s*([245])\.(\d{1,3})\.(\d{1,3})", re.IGNORECASE | re.MULTILINE)
RECIPIENT = re.compile(r"^\s*Final-Recipient:\s*[^;]*;\s*<?([^>\s]+)>?", re.I | re.M)
DIAGNOSTIC = re.compile(r"^\s*Diagnostic-Code:\s*(.+)$", re.IGNORECASE | re.MULTILINE)


@dataclass
class Bounce:
    recipient: str
    status: str
    hard: bool
    diagnostic: str
    notification: object


def bounce_of(mail, raw):
    """The Bounce `mail` reports, or None when it is no delivery-status notification."""
    message = mail.message
    is_report = (
        message.get_content_type() == "multipart/report"
        and (message.get_param("report-type") or "").lower() == "delivery-status"
    )
    sender = mail.sender.split("@")[0]
    if not is_report and sender not in ("mailer-daemon", "postmaster"):
        return None
    text = raw.decode("latin-1")
    status = STATUS.search(text)
    if not is_report and status is None:
        return None
    recipient = RECIPIENT.search(text)
    diagnostic = DIAGNOSTIC.search(text)
    code = ".".join(status.groups()) if status else ""
    return Bounce(
        recipient=recipient.group(1).lower() if recipient else "",
        status=code,
        hard=code.startswith("5"),
        diagnostic=(diagnostic.group(1).strip() if diagnostic else "")[:300],
        notification=_bounced_notification(text, header(message, "Subject")),
    )


def _bounced_notification(text, subject):
    for message_id in re.findall(r"<[^<>\s]+>", text):
        found = outgoing.notification_in(message_id)
        if found is not None:
            return Notification.objects.filter(pk=found).first()
    return None


def record(bounce, now=None):
    """Mark the bounced outbox row failed and count a hard bounce against its address.
    A soft bounce (4.x.x, delayed) is noted on the row and changes nothing else."""
    now = now or timezone.now()
    row = bounce.notification
    address = (row.address if row else bounce.recipient).lower()
    error = f"Bounced: {bounce.status or 'no status'} {bounce.diagnostic}".strip()
    with transaction.atomic():
        if row is not None:
            DeliveryAttempt.objects.create(
                notification=row, at=now, ok=False, temporary=not bounce.hard, error=error
            )
            if bounce.hard:
                Notification.objects.filter(pk=row.pk).update(
                    status=Notification.Status.FAILED, last_error=error
                )
        if bounce.hard and address:
            entry, _ = MailAddress.objects.get_or_create(address=address)
            MailAddress.objects.filter(pk=entry.pk).update(
                hard_bounces=F("hard_bounces") + 1, last_bounce_at=now
            )
            MailAddress.objects.filter(
                pk=entry.pk,
                hard_bounces__gte=MailAddress.BOUNCE_LIMIT,
                undeliverable_since__isnull=True,
            ).update(undeliverable_since=now)
    return error
