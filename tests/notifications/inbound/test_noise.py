"""Mail no person wrote changes nothing: automatic replies, out-of-office, lists, our own."""

import pytest

from notifications.inbound.ingest import ingest

from .corpus import corpus

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("auto_reply.eml", "automatic mail (Auto-Submitted: auto-replied)"),
        ("out_of_office_no_header.eml", "out-of-office reply"),
        ("mailing_list.eml", "bulk mail (Precedence: list)"),
    ],
)
def test_automatic_and_list_mail_is_ignored_and_changes_no_status(
    name, reason, customer_ticket, receipt, agent
):
    customer_ticket.change_status(agent, "pending")
    events = customer_ticket.events.count()

    outcome = ingest(corpus(name, customer_ticket, receipt))

    assert (outcome.status, outcome.reason, outcome.exit_code) == ("ignored", reason, 0)
    customer_ticket.refresh_from_db()
    assert customer_ticket.status == "pending"
    assert customer_ticket.events.count() == events
    assert not customer_ticket.replies.exists()


def test_list_id_alone_is_enough(customer_ticket):
    raw = corpus("mailing_list.eml").replace(b"Precedence: list\r\n", b"")

    assert ingest(raw).reason == "mailing-list mail (List-Id)"


def test_auto_submitted_no_is_a_person(customer_ticket, receipt):
    raw = corpus("gmail_reply.eml", customer_ticket, receipt)
    raw = raw.replace(b"MIME-Version", b"Auto-Submitted: no\r\nMIME-Version", 1)

    assert ingest(raw).status == "taken"


def test_our_own_message_coming_back_is_ignored(customer_ticket, receipt):
    raw = corpus("gmail_reply.eml", customer_ticket, receipt)
    raw = raw.replace(
        b"<CAGmail123@mail.gmail.com>",
        f"<tierdesk.notification.{receipt.pk}@desk.example>".encode(),
    )

    assert ingest(raw).reason == "our own message"
    assert not customer_ticket.replies.exists()


def test_mail_from_our_own_address_is_ignored(teams):
    raw = corpus("new_multipart_alternative.eml").replace(
        b"Carol Stranger <carol@newcomer.example>", b"Help <help+HD-1@desk.example>"
    )

    assert ingest(raw).reason == "our own message"


def test_a_mailer_daemon_without_a_report_and_a_null_return_path_are_ignored(teams):
    raw = corpus("new_multipart_alternative.eml")
    daemon = raw.replace(b"Carol Stranger <carol@newcomer.example>", b"MAILER-DAEMON@mx.example")
    null_path = b"Return-Path: <>\r\n" + raw

    assert ingest(daemon).reason == "delivery report without a status"
    assert ingest(null_path).reason == "automatic mail (empty Return-Path)"
