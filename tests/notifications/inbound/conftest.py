"""Mail from the corpus (tests/notifications/inbound/mail_corpus, made for these tests), with
the ticket, outbox row and sender it answers filled in."""

from pathlib import Path

import pytest

from notifications.models import Notification

CORPUS = Path(__file__).parent / "mail_corpus"


def corpus(name, ticket=None, notification=None, sender="alice@example.com"):
    raw = (CORPUS / name).read_bytes()
    values = {
        b"@@FROM@@": sender,
        b"@@REF@@": ticket.reference if ticket else "HD-0",
        b"@@TICKET@@": ticket.pk if ticket else 0,
        b"@@NOTE@@": notification.pk if notification else 0,
    }
    for token, value in values.items():
        raw = raw.replace(token, str(value).encode())
    return raw


@pytest.fixture(autouse=True)
def our_address(settings, tmp_path):
    settings.DEFAULT_FROM_EMAIL = "Help <help@desk.example>"
    settings.MAIL_INBOUND = True
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def customer_ticket(make_ticket, customer, teams):
    return make_ticket(customer, team=teams["desk"])


@pytest.fixture
def receipt(customer_ticket):
    """The "received" mail the customer got: the one their mail client answers."""
    return Notification.objects.get(ticket=customer_ticket, kind="received")
