"""The signed link in a page: opening it asks, its button acknowledges that party (a contact
has no account); a forged link is a 404."""

import pytest
from django.urls import reverse

from escalation.majors import links
from escalation.majors.models import MajorIncident

from .conftest import DECLARED

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident(cast, teams):
    return MajorIncident.declare(
        cast["commander"], "Checkout is down", "SEV1", contacts=[cast["vendor"]], at=DECLARED
    )


def test_opening_the_link_acknowledges_nothing(client, incident):
    party = incident.parties.get()
    url = reverse("portal:major-ack", args=[links.token(party.pk)])

    page = client.get(url)

    assert page.status_code == 200
    assert b"Acknowledge for Vendor on call (Acme Hosting)" in page.content
    party.refresh_from_db()
    assert party.acknowledged_at is None


def test_the_links_button_acknowledges_for_the_contact(client, incident):
    party = incident.parties.get()
    url = reverse("portal:major-ack", args=[links.token(party.pk)])

    page = client.post(url)

    party.refresh_from_db()
    assert party.acknowledged_at is not None
    assert party.acknowledged_by_name == "Vendor on call"
    assert b"pages for Vendor on call (Acme Hosting) have stopped" in page.content
    assert incident.entries.filter(kind="acknowledged").count() == 1


def test_a_forged_link_is_not_found(client, incident):
    party = incident.parties.get()
    forged = links.token(party.pk)[:-2] + "xx"

    assert client.post(reverse("portal:major-ack", args=[forged])).status_code == 404
