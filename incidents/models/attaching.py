"""A ticket's attachments: each message's files stored with it, within the per-message limit and
the ticket's quota (incidents/uploads.py)."""

from django.db import transaction

from .. import uploads


class TicketAttachments:
    """Mixin for Ticket: storing a message's uploads."""

    def attach_all(self, uploaded_by, files, reply=None):
        """Store the already-validated (upload, content_type) pairs of one message, or none:
        UploadRefused, before anything is stored, when they are over the per-message limit or
        would take the ticket past its quota. Run it in the transaction that saves the message,
        inside uploads.removed_if_not_saved()."""
        uploads_only = [upload for upload, _content_type in files]
        uploads.check_request(uploads_only)
        if files:
            with transaction.atomic():
                # Two messages at once must not both fit under the quota they share.
                type(self).objects.select_for_update().filter(pk=self.pk).values("pk").get()
                uploads.check_ticket_quota(self.attachments.all(), uploads_only)
                return [self.attach(uploaded_by, *pair, reply=reply) for pair in files]
        return []

    def attach(self, uploaded_by, upload, content_type, reply=None):
        """Store one already-validated upload on the ticket (or on one of its replies).

        The file is written to storage before its row; if the row is not saved the file is
        deleted again, and inside uploads.removed_if_not_saved() so is every file of a
        transaction that fails later."""
        attachment = self.attachments.model(
            ticket=self,
            reply=reply,
            file=upload,
            filename=upload.name,
            content_type=content_type,
            size=upload.size,
            uploaded_by=uploaded_by,
        )
        try:
            attachment.save(force_insert=True)
        except BaseException:
            if attachment.file.name and attachment.file._committed:
                attachment.file.storage.delete(attachment.file.name)
            raise
        uploads.remember_stored(attachment.file)
        return attachment
