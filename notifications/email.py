"""The email channel: headers that thread and identify a message, and one SMTP send."""

import re
import smtplib
from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email

from .errors import DeliveryError


def sender_address():
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def mail_domain():
    """The domain our Message-IDs live under: the sender's, so they are globally unique."""
    return sender_address().rpartition("@")[2] or "tierdesk.local"


def message_id(notification_id):
    return f"<tierdesk.notification.{notification_id}@{mail_domain()}>"


def thread_id(ticket_id):
    return f"<tierdesk.ticket.{ticket_id}@{mail_domain()}>"


# A reply to an agents' notification is an internal note: its plus address says so.
NOTE_TAG = ".note"


def reply_address(reference, internal=False):
    """The sender's address plus-tagged with the reference, so an answer can find its ticket
    (and, from an agents' notification, knows to stay internal)."""
    local, at, domain = sender_address().partition("@")
    if not at:
        return ""
    return f"{local}+{reference}{NOTE_TAG if internal else ''}@{domain}"


def _ours(pattern, value):
    found = re.fullmatch(pattern % re.escape(mail_domain()), value.strip(), re.IGNORECASE)
    return int(found.group(1)) if found else None


def notification_in(message_id):
    """The outbox id a Message-ID of ours names, else None."""
    return _ours(r"<tierdesk\.notification\.(\d{1,18})@%s>", message_id)


def ticket_in(message_id):
    """The ticket id our thread id names (every mail's References), else None."""
    return _ours(r"<tierdesk\.ticket\.(\d{1,18})@%s>", message_id)


def reference_in(address):
    """(reference, internal) from one of our plus addresses, else None."""
    local, at, domain = sender_address().lower().partition("@")
    pattern = rf"{re.escape(local)}\+(hd-\d{{1,18}})({re.escape(NOTE_TAG)})?@{re.escape(domain)}"
    found = re.fullmatch(pattern, address.strip().lower()) if at else None
    return (found.group(1).upper(), bool(found.group(2))) if found else None


def headers_of(notification):
    """Every mail about a ticket joins the ticket's thread and can be answered into it. (Rows
    written before the text was rendered at delivery froze these in the payload, and keep
    them.)"""
    if "headers" in notification.payload:
        return dict(notification.payload["headers"])
    ticket_id = notification.ticket_id
    if ticket_id is None:
        return {}
    reference = (notification.payload.get("ticket") or {}).get("reference") or f"HD-{ticket_id}"
    thread = thread_id(ticket_id)
    headers = {
        "References": thread,
        "In-Reply-To": thread,
        "X-Tierdesk-Ticket": reference,
    }
    if settings.MAIL_INBOUND:
        # Only when mail is taken in: a Reply-To nobody reads would promise an answer.
        internal = notification.kind not in notification.CUSTOMER_KINDS
        headers["Reply-To"] = reply_address(reference, internal=internal)
    return headers


def build_message(notification, connection=None):
    """The email of one outbox row; the same row always yields the same Message-ID."""
    headers = headers_of(notification)
    reply_to = headers.pop("Reply-To", "")
    headers.update(
        {
            "Message-ID": message_id(notification.pk),
            # Automatic mail: vacation responders and ticket systems must not answer it. The
            # receipt answers a message, so it is a reply in RFC 3834's words.
            "Auto-Submitted": "auto-replied"
            if notification.kind == "received"
            else "auto-generated",
            "X-Auto-Response-Suppress": "All",
            "X-Tierdesk-Kind": notification.kind,
        }
    )
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.address],
        reply_to=[reply_to] if reply_to else None,
        headers=headers,
        connection=connection,
    )
    if notification.html_body:
        message.attach_alternative(notification.html_body, "text/html")
    return message


def send(notification):
    """Send one email on a fresh connection; raise DeliveryError saying if a retry can help."""
    try:
        validate_email(notification.address)
    except ValidationError:
        raise DeliveryError(f"Invalid address {notification.address!r}", temporary=False) from None
    connection = get_connection(fail_silently=False, timeout=settings.EMAIL_TIMEOUT)
    try:
        build_message(notification, connection).send()
    except Exception as error:
        raise classify(error) from error


def classify(error):
    """Temporary: 4xx, connection and server-side trouble. Permanent: 5xx about this message."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        detail = "; ".join(f"{code} {_text(msg)}" for code, msg in error.recipients.values())
        return DeliveryError(f"Recipient refused: {detail}", temporary=min(codes) < 500)
    if isinstance(error, smtplib.SMTPConnectError | smtplib.SMTPAuthenticationError):
        # Our server or credentials, not this message: fixing them must let the mail go out.
        return DeliveryError(f"SMTP {error.smtp_code} {_text(error.smtp_error)}", temporary=True)
    if isinstance(error, smtplib.SMTPResponseException):
        text = f"SMTP {error.smtp_code} {_text(error.smtp_error)}"
        return DeliveryError(text, temporary=error.smtp_code < 500)
    if isinstance(error, smtplib.SMTPException | OSError):
        return DeliveryError(f"{type(error).__name__}: {error}", temporary=True)
    if isinstance(error, ValueError):
        return DeliveryError(f"Cannot build the message: {error}", temporary=False)
    return DeliveryError(f"{type(error).__name__}: {error}", temporary=True)


def _text(value):
    return value.decode(errors="replace") if isinstance(value, bytes) else str(value)
