"""Email in: our sender address, mail taken in, files under a temporary MEDIA_ROOT, and the
customer's ticket and receipt the corpus's replies answer (corpus.py)."""

import pytest

from notifications.models import Notification


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
