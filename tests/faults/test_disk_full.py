"""A disk-full SQLite write: a clear error (API 507 JSON, a plain page on the site), and no
half-written ticket (no ticket row without its clock, events and outbox rows).

Disk full is simulated with `PRAGMA max_page_count` on the test's own connection (the one the
test client's requests use): past it SQLite refuses to grow the file with SQLITE_FULL, "database
or disk is full", the very error a full disk raises. The limit is set a few pages above what the
database holds after a VACUUM (so no free page hides the shortage), with a description big enough
(~39 KB, overflow pages) that the ticket's INSERT fits but the next write does not (the UPDATE
that gives it its reference rewrites the row): the failure comes in the middle of the create,
after the ticket row was written and before its clock, events and outbox rows."""

import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from escalation.models import Firing, TicketClock
from incidents.models import Ticket, TicketEvent
from notifications.models import Notification

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]
ON_SQLITE = connection.vendor == "sqlite"
DESCRIPTION = "The disk filled up while I wrote this. " * 1000  # ~39 KB: ~10 overflow pages


def fill_the_disk(pages_to_spare):
    """Leave `pages_to_spare` pages of growth on this connection's database."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM")
        cursor.execute("PRAGMA page_count")
        (pages,) = cursor.fetchone()
        cursor.execute(f"PRAGMA max_page_count = {pages + pages_to_spare}")


@pytest.fixture
def full_disk():
    """The disk fills up; afterwards the connection is closed, which lifts the limit."""
    yield fill_the_disk
    connection.close()


def nothing_half_written():
    assert Ticket.objects.count() == 0
    assert TicketClock.objects.count() == TicketEvent.objects.count() == 0
    assert Firing.objects.count() == Notification.objects.count() == 0


@pytest.mark.skipif(not ON_SQLITE, reason="the disk-full fault is SQLite's (the embedded default)")
def test_a_create_that_fills_the_disk_answers_507_and_leaves_no_half_ticket(
    full_disk, customer, teams
):
    """Protection: the create's one transaction (Ticket.open_ticket's atomic block) and
    helpdesk.unavailable's 507 (helpdesk.errors.server_error). Checked: with open_ticket's
    `transaction.atomic` replaced by a nullcontext, the ticket row stayed without clock or
    events and `nothing_half_written` failed; without server_error's outage branch the API
    answered 500 "Server error." and the test failed."""
    client = APIClient(raise_request_exception=False)  # answered as a server would
    client.force_authenticate(customer)
    full_disk(pages_to_spare=14)
    answer = client.post(
        "/api/tickets/",
        {"subject": "Disk", "description": DESCRIPTION, "impact": "low", "urgency": "low"},
        format="json",
    )
    assert answer.status_code == 507, answer.content
    assert answer.json() == {
        "detail": "The server has run out of storage space. Nothing was saved; please try "
        "again later."
    }
    nothing_half_written()

    page = Client(raise_request_exception=False)
    page.force_login(customer)
    answer = page.post(
        "/portal/new/",
        {"subject": "Disk", "description": DESCRIPTION, "impact": "low", "urgency": "low"},
    )
    assert answer.status_code == 507
    text = answer.content.decode()
    assert "run out of storage space" in text and "Traceback" not in text
    nothing_half_written()
