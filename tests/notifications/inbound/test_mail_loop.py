"""Tierdesk and an auto-responder mailing each other stop after one exchange, whether the
responder marks its mail as automatic (RFC 3834) or, naively, not at all."""

import pytest
from django.core import mail as sent_mail

from notifications.inbound.ingest import ingest
from notifications.models import Notification
from tests.mails import deliver

from .corpus import corpus

pytestmark = pytest.mark.django_db


def auto_response(message, marked):
    """What a vacation responder at the recipient's address sends back to `message`."""
    marks = "Auto-Submitted: auto-replied\r\n" if marked else ""
    subject = ("Automatic reply: " if marked else "Re: ") + message["Subject"]
    reply_to = (message.get("Reply-To") or message["From"]).strip()
    return (
        f"From: {message['To']}\r\nTo: {reply_to}\r\nSubject: {subject}\r\n"
        f"Message-ID: <auto-{message['Message-ID'].strip('<>')}>\r\n"
        f"In-Reply-To: {message['Message-ID']}\r\n{marks}"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nI am away until Monday.\r\n"
    ).encode()


def deliver_queued():
    """Send every queued outbox row; the messages that went out."""
    before = len(sent_mail.outbox)
    for row in Notification.objects.filter(status="queued", channel="email"):
        deliver(row.pk)
    return [m.message() for m in sent_mail.outbox[before:]]


@pytest.mark.parametrize("marked", [True, False], ids=["rfc3834-responder", "naive-responder"])
def test_an_auto_responder_and_tierdesk_stop_after_one_exchange(marked, teams):
    ingest(corpus("new_multipart_alternative.eml"))  # a stranger's mail opens a ticket
    ours, theirs = [], []
    for _round in range(5):
        out = deliver_queued()
        ours.extend(out)
        answers = [auto_response(message, marked) for message in out]
        theirs.extend(answers)
        for raw in answers:
            ingest(raw)
        if not out:
            break

    assert len(ours) == 1 and ours[0]["Auto-Submitted"] == "auto-replied"  # the receipt
    assert len(theirs) == 1  # its one answer, which made no mail of ours
