"""Mails invite replies only where mail is taken in (MAIL_INBOUND); the receipt says it is an
automatic reply (RFC 3834), so other systems do not answer it."""

import pytest

from notifications.email import build_message
from notifications.models import Notification
from tests.mails import rendered

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sender(settings):
    settings.DEFAULT_FROM_EMAIL = "Help <help@desk.example>"


def receipt_of(make_ticket, customer):
    ticket = make_ticket(customer)
    return ticket, rendered(Notification.objects.get(ticket=ticket, kind="received"))


def test_with_an_inbox_the_receipt_invites_answers_to_its_plus_address(
    settings, make_ticket, customer, teams
):
    settings.MAIL_INBOUND = True
    ticket, row = receipt_of(make_ticket, customer)

    message = build_message(row)

    assert message.reply_to == [f"help+{ticket.reference}@desk.example"]
    assert message.extra_headers["Auto-Submitted"] == "auto-replied"
    assert "You can also answer this mail." in row.body
    assert "not read" not in row.body + row.html_body


def test_without_an_inbox_mails_do_not_invite_replies(settings, make_ticket, customer, teams):
    settings.MAIL_INBOUND = False
    _ticket, row = receipt_of(make_ticket, customer)

    message = build_message(row)

    assert message.reply_to == []
    assert "answer this mail" not in row.body + row.html_body
    assert "replies to this mail are not read" in row.body
    assert "replies to this mail are not read" in row.html_body


def test_an_agents_mail_says_an_answer_becomes_an_internal_note(
    settings, make_ticket, customer, agent, teams
):
    settings.MAIL_INBOUND = True
    ticket = make_ticket(customer, team=teams["desk"])
    ticket.assign(None, agent)
    row = rendered(Notification.objects.get(ticket=ticket, kind="assigned"))

    message = build_message(row)

    assert message.reply_to == [f"help+{ticket.reference}.note@desk.example"]
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    assert "adds an internal note" in row.body


def test_the_expired_link_page_offers_mail_only_with_an_inbox(settings, client, db):
    settings.MAIL_INBOUND = False
    assert "Reply to any email" not in client.get("/portal/guest/bad-token/").content.decode()
    settings.MAIL_INBOUND = True
    assert "Reply to any email" in client.get("/portal/guest/bad-token/").content.decode()
