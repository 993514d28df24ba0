"""One message in: read it, ignore what no person wrote, find the ticket it answers, and
reply, note or open a ticket through the lifecycle, so the clocks and the outbox react as for
the portal. Whatever goes wrong keeps the message aside (InboundMail, "Rejected mail")."""

import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from incidents import addresses, guest_access, permissions, roles, uploads
from incidents.models import Ticket

from ..models import InboundMail
from . import authentication, bounces, matching, noise
from .attachments import accepted_files
from .parse import parse

Status = InboundMail.Status


@dataclass
class Outcome:
    status: str
    reason: str
    ticket: Ticket | None = None

    @property
    def exit_code(self):
        """ingest_email's: 0 taken or ignored, 1 kept aside (rejected or held)."""
        return 0 if self.status in (Status.TAKEN, Status.IGNORED) else 1


class Refused(Exception):
    """A message that cannot be taken as it is: it is kept aside with this reason."""


class AlreadyTaken(Exception):
    """Another process (a second poller, a second click on Retry) took the message first."""


def ingest(raw, *, now=None, retry=None):
    """Take one message (bytes). `retry`: a kept-aside InboundMail a supervisor retries, which
    skips the per-sender hold."""
    now = now or timezone.now()
    digest = hashlib.sha256(raw).hexdigest()
    if len(raw) > settings.INBOUND_MAX_BYTES:
        reason = (
            f"too large ({filesizeformat(len(raw))}; mail can be up to "
            f"{filesizeformat(settings.INBOUND_MAX_BYTES)})"
        )
        return _keep_aside(raw, digest, "", None, Status.REJECTED, reason, now, retry)
    mail = None
    try:
        mail = parse(raw)
        if retry is None:
            seen = InboundMail.objects.filter(message_id=mail.message_id, digest=digest).first()
            if seen is not None:
                return _seen(seen)
        return _take(raw, digest, mail, now, retry)
    except Refused as refused:
        return _keep_aside(raw, digest, "", mail, Status.REJECTED, str(refused), now, retry)
    except Exception as error:  # bad mail never stops the queue
        reason = f"{type(error).__name__}: {error}"[:2000]
        return _keep_aside(raw, digest, "", mail, Status.REJECTED, reason, now, retry)


def _seen(row):
    if row.status in (Status.TAKEN, Status.IGNORED):
        return Outcome(Status.IGNORED, "already taken", row.ticket)
    return Outcome(row.status, f"already kept aside: {row.reason}", row.ticket)


def _take(raw, digest, mail, now, retry):
    bounce = bounces.bounce_of(mail, raw)
    if bounce is not None:
        reason = bounces.record(bounce, now)
        return _ignore(raw, digest, mail, f"bounce: {reason}", now, retry)
    ignored = noise.ignored_because(mail)
    if ignored:
        return _ignore(raw, digest, mail, ignored, now, retry)
    try:
        validate_email(mail.sender)
    except Exception:
        raise Refused(f"no usable sender address ({mail.sender or 'none'})") from None
    user = _known(mail.sender)
    target = matching.target_of(mail)
    # A forged staff address (DMARC failed, says a trusted MTA) writes as a stranger would.
    spoofed = user is not None and roles.is_agent(user) and authentication.dmarc_failed(mail)
    plan = None if spoofed else _plan(user, target, now)
    if plan is None and retry is None and _over_limit(mail.sender, now):
        reason = (
            f"more than {settings.INBOUND_TICKETS_PER_SENDER_HOUR} new tickets from "
            f"{mail.sender} in an hour: held for review"
        )
        return _keep_aside(raw, digest, mail.sender, mail, Status.HELD, reason, now, retry)
    try:
        with uploads.removed_if_not_saved(), transaction.atomic():
            row = _claim(raw, digest, mail, now, retry)
            if plan is None:
                ticket, reason = _open(mail, raw, user, target, now, spoofed)
                row.opened_ticket = True
            else:
                ticket, reason = _answer(mail, raw, plan, now)
            row.status, row.reason, row.ticket = Status.TAKEN, reason, ticket
            row.save()
    except AlreadyTaken:
        return Outcome(Status.IGNORED, "already taken")
    except IntegrityError:
        taken = InboundMail.objects.filter(message_id=mail.message_id[:998], digest=digest)
        if retry is None and taken.exists():
            return Outcome(Status.IGNORED, "already taken")  # by another process, meanwhile
        raise
    return Outcome(Status.TAKEN, reason, ticket)


def _known(address):
    users = get_user_model().objects.filter(email__iexact=address, is_active=True)
    return users.order_by("pk").first()


@dataclass
class Plan:
    ticket: Ticket
    author: object
    internal: bool


def _plan(user, target, now):
    """How a mail from `user` lands on the ticket it answers, or None for a new ticket: a
    sender who may not see the ticket, a closed one, or one solved too long ago."""
    if user is None or target is None:
        return None
    ticket = target.ticket
    if roles.is_agent(user):
        if not Ticket.objects.visible_to(user).filter(pk=ticket.pk).exists():
            return None
        if ticket.status == Ticket.Status.CLOSED:
            raise Refused(f"{ticket.reference} is closed and takes no more replies")
        # Public only when the mail answered a customer's mail; when in doubt, a note.
        internal = target.internal is not False or not permissions.can_reply(user, ticket)
        return Plan(ticket, user, internal)
    if ticket.requester_id != user.pk:
        return None
    if ticket.status == Ticket.Status.CLOSED:
        return None
    if ticket.status == Ticket.Status.RESOLVED and not ticket.can_be_reopened_by_requester(now):
        return None
    return Plan(ticket, user, False)


def _over_limit(sender, now):
    since = now - timedelta(hours=1)
    opened = InboundMail.objects.tickets_opened_by(sender, since)
    return opened >= settings.INBOUND_TICKETS_PER_SENDER_HOUR


def _claim(raw, digest, mail, now, retry):
    """The mail's row, written first in the transaction: a second process taking the same
    message fails on its unique key and takes nothing."""
    if retry is not None:
        row = InboundMail.objects.select_for_update().get(pk=retry.pk)
        if row.status in (Status.TAKEN, Status.IGNORED):
            raise AlreadyTaken
        return row
    return InboundMail.objects.create(
        received_at=now,
        message_id=mail.message_id[:998],
        digest=digest,
        sender=mail.sender[:320],
        subject=mail.subject[:300],
        size=len(raw),
        status=Status.TAKEN,
    )


def _open(mail, raw, user, target, now, spoofed=False):
    if user is None:
        # A stranger becomes a guest; an address of a closed (inactive) account is held.
        user, held = guest_access.requester_for(mail.sender, mail.sender_name)
    else:
        # As for a guest form naming a known address: an account that never confirmed its
        # address, or a forged staff address, gets no ticket in its name on a From line's word
        # until the mailed link confirms it.
        held = spoofed or not addresses.is_confirmed(user)
    notes = ["(Not verified: the sender's domain failed DMARC.)"] if spoofed else []
    if target is not None:
        notes.append(f"(Follow-up to {target.ticket.reference}.)")
    text = "\n\n".join([*notes, mail.text or "(The mail had no text.)"])
    files, refusals = accepted_files(mail.files, None)
    ticket = Ticket.open_ticket(
        requester=user,
        subject=(_without_reply_prefix(mail.subject) or "(no subject)")[:200],
        description=_with_refusals(text, refusals),
        channel=Ticket.Channel.EMAIL,
        at=now,
        held=held,
    )
    ticket.attach_all(user, files)
    _keep_original(ticket, user, raw, now, reply=None)
    return ticket, f"opened {ticket.reference}{' (held)' if held else ''}"


def _answer(mail, raw, plan, now):
    ticket, author = plan.ticket, plan.author
    text = mail.reply_text() or "(The mail had no text.)"
    files, refusals = accepted_files(mail.files, ticket)
    reply = ticket.add_reply(author, _with_refusals(text, refusals), internal=plan.internal, at=now)
    ticket.attach_all(author, files, reply=reply)
    original_on = reply
    if roles.is_agent(author) and not plan.internal:
        # An agent's own mail may quote what customers must not read: agents only.
        original_on = ticket.add_reply(author, "The mail the reply above came from.", True, at=now)
    _keep_original(ticket, author, raw, now, reply=original_on)
    kind = "internal note" if plan.internal else "reply"
    return ticket, f"{kind} on {ticket.reference} from {mail.sender}"


REPLY_PREFIX = re.compile(r"^\s*((re|aw|sv|fw|fwd|wg|tr)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)


def _without_reply_prefix(subject):
    """`RE: AW: Fwd: x` → `x`: a new ticket's subject is what it is about."""
    return REPLY_PREFIX.sub("", subject or "").strip()


def _with_refusals(text, refusals):
    if not refusals:
        return text
    lines = "\n".join(f"- {refusal}" for refusal in refusals)
    return f"{text}\n\nNot attached (the original mail holds them):\n{lines}"


def _keep_original(ticket, author, raw, now, reply):
    original = ContentFile(raw, name=f"mail-{now:%Y%m%d-%H%M%S}.eml")
    ticket.attach(author, original, "message/rfc822", reply=reply)


def _ignore(raw, digest, mail, reason, now, retry):
    row = retry or InboundMail(message_id=mail.message_id[:998], digest=digest)
    row.received_at, row.sender, row.subject, row.size = (
        now,
        mail.sender[:320],
        mail.subject[:300],
        len(raw),
    )
    row.status, row.reason = Status.IGNORED, reason
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        pass  # the same message, ignored meanwhile by another process
    if row.raw:
        row.raw.delete(save=True)
    return Outcome(Status.IGNORED, reason)


def _keep_aside(raw, digest, sender, mail, status, reason, now, retry):
    """Store the message with why it was not taken, for the "Rejected mail" list."""
    row = retry or InboundMail(digest=digest)
    if mail is not None:
        row.message_id, row.sender, row.subject = (
            mail.message_id[:998],
            (mail.sender or sender)[:320],
            mail.subject[:300],
        )
    row.received_at, row.size, row.status, row.reason = now, len(raw), status, reason
    if not row.raw:
        row.raw.save("mail.eml", ContentFile(raw), save=False)
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError:
        row.raw.delete(save=False)
        return Outcome(status, f"already kept aside: {reason}")
    return Outcome(status, reason)


def retry(row, now=None):
    """Take a kept-aside message again (the admin's Retry): held mail skips the per-sender
    limit, as a supervisor let it through. Once taken or ignored, its stored bytes go."""
    with row.raw.open("rb") as stored:
        raw = stored.read()
    outcome = ingest(raw, now=now, retry=row)
    if outcome.status in (Status.TAKEN, Status.IGNORED) and row.raw:
        row.raw.delete(save=False)
        InboundMail.objects.filter(pk=row.pk).update(raw="")
    return outcome


def discard(rows):
    """Delete kept-aside messages and their stored bytes."""
    for row in rows:
        if row.raw:
            row.raw.delete(save=False)
        row.delete()
