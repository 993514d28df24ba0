"""Parties that have not acknowledged are paged again at the severity's interval (SEV1:
5 minutes) until they acknowledge or the incident resolves; an acknowledgement stops only its
own party's pages (an injected clock, no sleep)."""

from datetime import timedelta

import pytest

from escalation.majors.repaging import repage_due
from notifications.models import Notification

from .conftest import DECLARED, declare_sev1

pytestmark = pytest.mark.django_db
MIN = timedelta(minutes=1)


@pytest.fixture
def incident(cast, teams):
    return declare_sev1(cast, teams)


def paged(incident):
    return sorted(
        Notification.objects.filter(
            cause__startswith=f"major:{incident.pk}:", channel="email"
        ).values_list("address", flat=True)
    )


def test_nobody_is_paged_again_before_the_interval(incident):
    assert repage_due(DECLARED + 4 * MIN) == 0
    assert len(paged(incident)) == 3


def test_every_unacknowledged_party_is_paged_again_after_five_minutes(incident):
    assert repage_due(DECLARED + 5 * MIN) == 3
    assert paged(incident) == sorted(["ana@example.com", "lee@example.com", "noc@acme.example"] * 2)
    again = Notification.objects.filter(cause__endswith=":page:1").first()
    assert again.subject.endswith("(page 2)")
    assert repage_due(DECLARED + 5 * MIN) == 0  # the same round is claimed once


def test_an_acknowledgement_stops_only_its_own_partys_pages(incident, cast):
    incident.acknowledge(cast["ana"], at=DECLARED + 2 * MIN)

    assert repage_due(DECLARED + 5 * MIN) == 2
    assert paged(incident).count("ana@example.com") == 1
    assert paged(incident).count("lee@example.com") == 2
    board = {p.name: p for p in incident.parties.all()}
    assert board["Service Desk"].state == "acknowledged"
    assert board["Service Desk"].acknowledged_by == cast["ana"]
    assert board["Application Support"].state == "paged"


def test_pages_stop_when_the_incident_resolves(incident, cast):
    incident.resolve(cast["commander"], "Fixed.", at=DECLARED + MIN)

    assert repage_due(DECLARED + 10 * MIN) == 0


def test_someone_not_paged_cannot_acknowledge(incident, cast):
    from escalation.majors.lifecycle import IncidentError

    with pytest.raises(IncidentError, match="not paged"):
        incident.acknowledge(cast["ben"])


def test_joining_acknowledges_and_shows_joined(incident, cast):
    incident.join(cast["lee"], at=DECLARED + MIN)

    apps = incident.parties.get(team__slug="app-support")
    assert apps.state == "joined"
    assert apps.acknowledged_by == cast["lee"]
    assert repage_due(DECLARED + 5 * MIN) == 2  # the desk's and the vendor's only
    assert list(
        incident.entries.filter(kind__in=["acknowledged", "joined"]).values_list("kind", flat=True)
    ) == ["acknowledged", "joined"]
