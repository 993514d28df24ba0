"""Attachments in and out: the limits (settings ATTACHMENT_MAX_BYTES and ATTACHMENT_TYPES per
file, ATTACHMENT_MAX_REQUEST_BYTES per message, ATTACHMENT_MAX_TICKET_BYTES and
ATTACHMENT_MAX_TICKET_FILES per ticket), checked before anything is stored, the one way a stored
file is sent back, and no file left on disk by a save that failed."""

import contextvars
import mimetypes
import os
from contextlib import contextmanager

from django.conf import settings
from django.db.models import Count, Sum
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


class UploadRefused(Exception):
    def __init__(self, message, too_large=False):
        super().__init__(message)
        self.too_large = too_large


def too_large(size):
    return size > settings.ATTACHMENT_MAX_BYTES


def checked_content_type(upload):
    """The type to store `upload` under, judged by its name first (a client's claim is easy to
    get wrong); UploadRefused when the file is too large or of a type not accepted."""
    upload.name = os.path.basename(upload.name or "") or "upload"
    if too_large(upload.size):
        raise UploadRefused(
            _("%(name)s is too large (%(size)s). Files can be up to %(limit)s each.")
            % {
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
            },
            too_large=True,
        )
    guessed, _encoding = mimetypes.guess_type(upload.name)
    content_type = guessed or upload.content_type
    if content_type not in settings.ATTACHMENT_TYPES:
        raise UploadRefused(
            _("%(name)s is a kind of file we cannot accept (%(type)s). Allowed: %(allowed)s.")
            % {
                "name": upload.name,
                "type": content_type,
                "allowed": ", ".join(settings.ATTACHMENT_TYPES),
            }
        )
    return content_type


def check_request(files):
    """UploadRefused when the files of one message are together over the per-message limit."""
    total = sum(upload.size for upload in files)
    if total > settings.ATTACHMENT_MAX_REQUEST_BYTES:
        raise UploadRefused(
            _("These files are %(size)s together. One message can carry up to %(limit)s.")
            % {
                "size": filesizeformat(total),
                "limit": filesizeformat(settings.ATTACHMENT_MAX_REQUEST_BYTES),
            },
            too_large=True,
        )


def check_ticket_quota(attachments, files):
    """UploadRefused when `files` would take a ticket (its `attachments`) past its quota."""
    held = attachments.aggregate(count=Count("pk"), total=Sum("size"))
    count, total = held["count"] + len(files), (held["total"] or 0)
    if count > settings.ATTACHMENT_MAX_TICKET_FILES:
        raise UploadRefused(
            _(
                "This ticket has %(count)d files and can hold up to %(limit)d. Please send a "
                "link to the rest instead."
            )
            % {"count": held["count"], "limit": settings.ATTACHMENT_MAX_TICKET_FILES}
        )
    if total + sum(upload.size for upload in files) > settings.ATTACHMENT_MAX_TICKET_BYTES:
        raise UploadRefused(
            _(
                "This ticket already holds %(size)s of files and can hold up to %(limit)s. "
                "Please send a link to the rest instead."
            )
            % {
                "size": filesizeformat(total),
                "limit": filesizeformat(settings.ATTACHMENT_MAX_TICKET_BYTES),
            }
        )


def as_download(attachment):
    """The stored file as a download: never shown inline, its type as stored, no sniffing."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


_stored = contextvars.ContextVar("stored_uploads", default=None)


@contextmanager
def removed_if_not_saved():
    """Around a transaction that stores uploads (Ticket.attach): if the block fails, its
    transaction is rolled back and the files it stored are deleted again, so no file stays on
    disk that no row names. Wrap the `transaction.atomic()`, not the other way round: the
    files go once the rollback is certain."""
    stored = []
    token = _stored.set(stored)
    try:
        yield
    except BaseException:
        for storage, name in stored:
            storage.delete(name)
        raise
    finally:
        _stored.reset(token)


def remember_stored(field_file):
    """Note a file just stored for removed_if_not_saved (outside it, nothing to do)."""
    stored = _stored.get()
    if stored is not None and field_file.name:
        stored.append((field_file.storage, field_file.name))
