"""A mail's files under the portal's limits: each file's size and type, the message's total
and the ticket's quota. What is refused is said, never silently dropped."""

from django.core.files.uploadedfile import SimpleUploadedFile

from incidents import uploads


def accepted_files(files, ticket):
    """([(upload, content_type)] to store, [refusal, …] to note on the ticket)."""
    accepted, refusals = [], []
    for file in files:
        upload = SimpleUploadedFile(file.filename, file.data, content_type=file.content_type)
        try:
            accepted.append((upload, uploads.checked_content_type(upload)))
        except uploads.UploadRefused as refused:
            refusals.append(str(refused))
    together = [upload for upload, _content_type in accepted]
    try:
        uploads.check_request(together)
        if ticket is not None and together:
            uploads.check_ticket_quota(ticket.attachments.all(), together)
    except uploads.UploadRefused as refused:
        return [], [*refusals, str(refused)]
    return accepted, refusals
