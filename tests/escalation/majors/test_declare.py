"""Declaring pages every party at once: a team's on-call person (its leads without a
rotation), deputies for the away, and every contact's email and webhook, each page once."""

import pytest

from escalation.majors.models import MajorIncident
from incidents.models import Absence
from notifications.models import Notification

from ...conftest import utc
from .conftest import DECLARED

pytestmark = pytest.mark.django_db


def declare(cast, teams, **extra):
    return MajorIncident.declare(
        cast["commander"],
        "Checkout is down",
        "SEV1",
        summary="Payments fail with 502.",
        teams=[teams["desk"], teams["apps"]],
        contacts=[cast["vendor"]],
        at=DECLARED,
        **extra,
    )


def pages(incident):
    return Notification.objects.filter(cause__startswith=f"major:{incident.pk}:")


def test_declaring_pages_the_on_call_person_the_leads_and_the_contact(cast, teams):
    incident = declare(cast, teams)

    parties = {p.name: p for p in incident.parties.all()}
    assert parties["Service Desk"].paged == [cast["ana"].pk]  # day 2 of ben, ana
    assert parties["Application Support"].paged == [cast["lee"].pk]  # no rotation: its lead
    rows = pages(incident)
    assert sorted(rows.values_list("address", flat=True)) == [
        "ana@example.com",
        "https://hooks.acme.example/page",
        "lee@example.com",
        "noc@acme.example",
    ]
    assert all(row.kind == "major_page" for row in rows)
    assert all(p.pages == 1 and p.notified_at == DECLARED for p in parties.values())
    assert incident.reference == f"MI-{incident.pk}"


def test_a_page_says_what_and_links_an_acknowledgement(cast, teams):
    incident = declare(cast, teams)

    mail = pages(incident).get(address="ana@example.com")
    assert mail.subject == f"[MI-{incident.pk}] SEV1 major incident: Checkout is down"
    assert "Payments fail with 502." in mail.body
    assert "/portal/major/ack/" in mail.body
    hook = pages(incident).get(channel="webhook")
    assert hook.payload["event"]["kind"] == "major_page"
    assert hook.secret == "s3cret"


def test_an_away_on_call_person_is_replaced_by_their_deputy(cast, teams):
    Absence.objects.create(
        user=cast["ana"],
        start=utc(2026, 6, 2),
        end=utc(2026, 6, 3),
        deputy=cast["ben"],
    )
    incident = declare(cast, teams)

    desk = incident.parties.get(team=teams["desk"])
    assert desk.paged == [cast["ben"].pk]
    assert desk.skipped == [[cast["ana"].pk, cast["ben"].pk]]
    assert not pages(incident).filter(address="ana@example.com").exists()


def test_pages_go_on_the_urgent_list_ahead_of_ordinary_mail(cast, teams):
    from django_q.conf import Conf
    from django_q.models import OrmQ

    if not Conf.ORM:
        pytest.skip("reads the database broker's lists (the Redis run: test_end_to_end)")
    declare(cast, teams)

    assert set(OrmQ.objects.values_list("key", flat=True)) == {"tierdesk-escalation"}


def test_declaring_without_a_party_is_refused(cast, teams):
    from escalation.majors.lifecycle import IncidentError

    with pytest.raises(IncidentError):
        MajorIncident.declare(cast["commander"], "x", "SEV2", at=DECLARED)
