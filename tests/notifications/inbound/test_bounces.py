"""A bounce marks the outbox row it names failed; three hard bounces, the address."""

import pytest

from notifications.inbound.ingest import ingest
from notifications.models import MailAddress, Notification
from notifications.recipients import eligible

from .corpus import corpus

pytestmark = pytest.mark.django_db


def test_a_bounce_marks_its_outbox_row_failed_and_changes_no_ticket(customer_ticket, receipt):
    Notification.objects.filter(pk=receipt.pk).update(status="sent")

    outcome = ingest(corpus("bounce.eml", customer_ticket, receipt))

    assert (outcome.status, outcome.exit_code) == ("ignored", 0)
    receipt.refresh_from_db()
    assert receipt.status == "failed"
    assert receipt.last_error.startswith("Bounced: 5.1.1 smtp; 550 5.1.1")
    attempt = receipt.delivery_attempts.last()
    assert (attempt.ok, attempt.temporary) == (False, False)
    assert not customer_ticket.replies.exists()
    assert MailAddress.objects.get(address="alice@example.com").hard_bounces == 1


def test_a_soft_bounce_is_noted_and_fails_nothing(customer_ticket, receipt):
    Notification.objects.filter(pk=receipt.pk).update(status="sent")
    raw = corpus("bounce.eml", customer_ticket, receipt)
    raw = raw.replace(b"Status: 5.1.1", b"Status: 4.2.2").replace(
        b"Action: failed", b"Action: delayed"
    )

    ingest(raw)

    receipt.refresh_from_db()
    assert receipt.status == "sent"
    assert receipt.delivery_attempts.last().temporary
    assert not MailAddress.objects.exists()


def test_three_hard_bounces_make_the_address_undeliverable(customer_ticket, receipt, customer):
    for n in range(3):
        raw = corpus("bounce.eml", customer_ticket, receipt)
        ingest(raw.replace(b"Reporting-MTA", f"X-Try: {n}\r\nReporting-MTA".encode()))

    address = MailAddress.objects.get(address="alice@example.com")
    assert address.hard_bounces == 3 and address.undeliverable_since is not None
    assert eligible("reply", [customer]) == []
