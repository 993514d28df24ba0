"""A public update reaches every linked requester once, with their own ticket's reference,
and never carries an internal note; resolving resolves every linked ticket with the closing
message; the communication clock tells the commander once when an update lapses."""

from datetime import timedelta

import pytest

from escalation.majors.clock import tell_lapsed
from escalation.majors.models import MajorIncident
from notifications.models import Notification

from .conftest import DECLARED

pytestmark = pytest.mark.django_db
MIN = timedelta(minutes=1)


@pytest.fixture
def linked(cast, teams, make_ticket, customer, other_customer):
    first = make_ticket(customer, subject="Can't pay", at=DECLARED - MIN)
    second = make_ticket(other_customer, subject="Checkout 502", at=DECLARED - MIN)
    incident = MajorIncident.declare(
        cast["commander"], "Checkout", "SEV1", teams=[teams["apps"]], tickets=[first], at=DECLARED
    )
    incident.link(cast["commander"], second, at=DECLARED + MIN)
    return incident, first, second


def customer_mails(kind):
    return Notification.objects.filter(kind=kind, recipient__isnull=False).exclude(
        cause__startswith="major:"
    )


def test_an_update_reaches_every_requester_once_with_their_own_reference(linked, cast):
    incident, first, second = linked
    incident.post_note(cast["commander"], "Root cause: SECRET db failover", at=DECLARED + 2 * MIN)
    incident.post_update(cast["commander"], "We are rolling back.", at=DECLARED + 3 * MIN)

    mails = customer_mails("reply")
    assert sorted((m.address, m.payload["ticket"]["reference"]) for m in mails) == sorted(
        [("alice@example.com", first.reference), ("bob@example.com", second.reference)]
    )
    for ticket in (first, second):
        assert list(ticket.replies.values_list("body", "internal")) == [
            ("We are rolling back.", False)
        ]
    everything = " ".join(f"{n.subject} {n.body} {n.payload}" for n in Notification.objects.all())
    assert "SECRET" not in everything


def test_resolving_resolves_every_linked_ticket_with_the_closing_message(linked, cast):
    incident, first, second = linked
    incident.resolve(cast["commander"], "Fixed: payments flow again.", at=DECLARED + 9 * MIN)

    for ticket in (first, second):
        ticket.refresh_from_db()
        assert ticket.status == "resolved"
        assert ticket.replies.get().body == "Fixed: payments flow again."
    assert customer_mails("resolved").count() == 2
    assert list(incident.entries.values_list("kind", flat=True)) == [
        "declared",
        "paged",
        "linked",
        "linked",
        "resolved",
    ]


def test_the_commander_is_told_once_when_the_update_lapses(linked, cast):
    incident, *_ = linked
    assert incident.update_due_in(DECLARED + 18 * MIN) == 12 * 60

    assert tell_lapsed(DECLARED + 29 * MIN) == 0
    assert tell_lapsed(DECLARED + 30 * MIN) == 1
    assert tell_lapsed(DECLARED + 31 * MIN) == 0
    told = Notification.objects.get(cause__contains=":update-due:")
    assert told.address == cast["commander"].email
    assert "Customer update overdue" in told.subject

    incident.post_update(cast["commander"], "Still on it.", at=DECLARED + 32 * MIN)
    assert tell_lapsed(DECLARED + 61 * MIN) == 0
    assert tell_lapsed(DECLARED + 62 * MIN) == 1
