"""What is public: the incident's `summary` is for the responders; a contact (their page mail,
their webhook, the page behind their link) and anyone holding a link (it needs no sign-in) get
the title, severity, status, the public summary and the public updates only; never the
responders' summary, never an internal note."""

import json

import pytest
from django.urls import reverse

from escalation.majors import links
from escalation.majors.models import MajorIncident
from escalation.majors.repaging import repage_due
from notifications.models import Notification

from .conftest import DECLARED
from .test_repaging import MIN

pytestmark = pytest.mark.django_db
INTERNAL = "Root cause: the db01 password expired; ask Ana."
NOTE = "Do not tell Acme yet: their load balancer looks guilty."
PUBLIC = "Checkout is failing for some customers."


@pytest.fixture
def incident(cast, teams):
    made = MajorIncident.declare(
        cast["commander"],
        "Checkout is down",
        "SEV1",
        summary=INTERNAL,
        public_summary=PUBLIC,
        teams=[teams["apps"]],
        contacts=[cast["vendor"]],
        at=DECLARED,
    )
    made.post_note(cast["commander"], NOTE, at=DECLARED + MIN)
    made.post_update(cast["commander"], "We are rolling back.", at=DECLARED + 2 * MIN)
    return made


def written(row):
    return " ".join([row.subject, row.body, row.html_body, json.dumps(row.payload)])


def test_a_contacts_pages_carry_the_public_summary_only(incident):
    repage_due(DECLARED + 5 * MIN)  # a second round, after the note
    rows = Notification.objects.filter(cause__startswith=f"major:{incident.pk}:")
    to_vendor = [r for r in rows if r.recipient_id is None]
    assert {r.channel for r in to_vendor} == {"email", "webhook"} and len(to_vendor) == 4
    for row in to_vendor:
        assert PUBLIC in written(row)
        assert INTERNAL not in written(row) and NOTE not in written(row)
    to_lee = [r for r in rows if r.address == "lee@example.com"]
    assert len(to_lee) == 2 and all(INTERNAL in written(r) for r in to_lee)  # an agent
    assert all(NOTE not in written(r) for r in rows)


@pytest.mark.parametrize("who", ["contact", "agent"])
def test_the_page_behind_a_link_shows_public_content_only(client, incident, cast, who):
    party = incident.parties.get(contact__isnull=(who == "agent"))
    user_id = cast["lee"].pk if who == "agent" else None
    page = client.get(reverse("portal:major-ack", args=[links.token(party.pk, user_id)]))

    text = page.content.decode()
    assert page.status_code == 200
    assert PUBLIC in text and "We are rolling back." in text and "Checkout is down" in text
    assert INTERNAL not in text and NOTE not in text


def test_the_desk_shows_both_summaries_to_agents(client, incident, cast):
    client.force_login(cast["commander"])
    text = client.get(reverse("desk:major", args=[incident.pk])).content.decode()
    assert INTERNAL in text and PUBLIC in text


def test_the_api_takes_a_public_summary(client, cast, teams):
    client.force_login(cast["commander"])
    made = client.post(
        "/api/major-incidents/",
        {
            "title": "Mail is slow",
            "severity": "SEV2",
            "summary": "x",
            "public_summary": PUBLIC,
            "teams": [teams["apps"].pk],
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    assert made.json()["public_summary"] == PUBLIC
    assert MajorIncident.objects.get(pk=made.json()["id"]).public_summary == PUBLIC


def test_a_page_reads_in_each_persons_language(cast, teams):
    """An agent who reads German is paged in German (subject, text and HTML); a contact, who has
    no profile, in the helpdesk's language (issue 28: agents' mails in their language)."""
    from incidents.models import Profile

    Profile.objects.update_or_create(user=cast["lee"], defaults={"language": "de"})
    made = MajorIncident.declare(
        cast["commander"],
        "Checkout is down",
        "SEV1",
        public_summary=PUBLIC,
        teams=[teams["apps"]],
        contacts=[cast["vendor"]],
        at=DECLARED,
    )
    rows = Notification.objects.filter(cause__startswith=f"major:{made.pk}:", channel="email")
    [to_lee] = [r for r in rows if r.address == "lee@example.com"]
    [to_vendor] = [r for r in rows if r.recipient_id is None]
    assert to_lee.subject == f"[{made.reference}] Größere Störung SEV1: Checkout is down"
    assert "Hallo" in to_lee.body and "Bestätigen (beendet diese Alarmierungen" in to_lee.body
    assert 'lang="de"' in to_lee.html_body and "im Desk öffnen" in to_lee.html_body
    assert to_vendor.subject == f"[{made.reference}] SEV1 major incident: Checkout is down"
    assert to_vendor.body.startswith("Hello Vendor on call,")
