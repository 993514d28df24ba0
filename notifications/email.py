"""The email channel: headers that thread and identify a message, and one SMTP send."""

import smtplib
from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.validators import validate_email

from .errors import DeliveryError


def mail_domain():
    """The domain our Message-IDs live under: the sender's, so they are globally unique."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "tierdesk.local"


def message_id(notification_id):
    return f"<tierdesk.notification.{notification_id}@{mail_domain()}>"


def thread_id(ticket_id):
    return f"<tierdesk.ticket.{ticket_id}@{mail_domain()}>"


def reply_address(reference):
    """The sender's address plus-tagged with the reference, so an answer can find its ticket."""
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    local, at, domain = address.partition("@")
    if not at:
        return ""
    return f"{local}+{reference}@{domain}"


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
    return {
        "Reply-To": reply_address(reference),
        "References": thread,
        "In-Reply-To": thread,
        "X-Tierdesk-Ticket": reference,
    }


def build_message(notification, connection=None):
    """The email of one outbox row; the same row always yields the same Message-ID."""
    headers = headers_of(notification)
    reply_to = headers.pop("Reply-To", "")
    headers.update(
        {
            "Message-ID": message_id(notification.pk),
            # Automatic mail: vacation responders and ticket systems must not answer it.
            "Auto-Submitted": "auto-generated",
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
