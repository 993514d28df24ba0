"""Outside contacts: /api/contacts/, a level's notify_contacts, what they receive (what a
customer would, never an internal note) and the signed read-only status page."""

import json
import re

import pytest

from escalation.models import EscalationPolicy
from notifications import contacts
from notifications.models import Contact, Notification
from notifications.rendering import render_rows
from tests.escalation.sla_setup import HOUR, berlin, escalation_policy, run_engine, sla_policy

SECRET_NOTE = "Root password is hunter2, vendor must never see this"
REASON = "Vendor firmware is the suspect, keep it between us"


@pytest.fixture
def vendor(db):
    return Contact.objects.create(
        name="Vera Vendor",
        organisation="Acme Firmware",
        email="vera@acme.example",
        webhook_url="https://hooks.acme.example/tierdesk",
        webhook_secret="s3cret",
    )


def test_supervisors_add_contacts_and_name_them_on_a_level(api, supervisor, agent):
    client = api(supervisor)
    made = client.post(
        "/api/contacts/",
        {"name": "Vera", "organisation": "Acme", "email": "vera@acme.example"},
        format="json",
    )
    assert made.status_code == 201, made.json()
    nothing = client.post("/api/contacts/", {"name": "Nobody"}, format="json")
    assert nothing.status_code == 400 and "email" in nothing.json()
    policy = client.post(
        "/api/escalation-policies/",
        {
            "name": "Vendors",
            "levels": [{"order": 1, "anchor": "created", "notify_contacts": [made.json()["id"]]}],
        },
        format="json",
    )
    assert policy.status_code == 201, policy.json()
    assert policy.json()["levels"][0]["notify_contacts"] == [made.json()["id"]]
    level = EscalationPolicy.objects.get().snapshot()["levels"][0]
    assert level["notify_contacts"] == [made.json()["id"]]
    assert api(agent).get("/api/contacts/").status_code == 200
    assert api(agent).post("/api/contacts/", {"name": "x"}, format="json").status_code == 403


@pytest.mark.django_db
def test_a_contact_gets_what_a_customer_would_and_never_an_internal_note(
    teams, make_ticket, customer, agent, vendor, client
):
    sla_policy(None, response=HOUR, resolution=8 * HOUR)
    # On the resolution clock: the agent's public reply acknowledges, which would cancel a level
    # anchored on creation.
    escalation_policy(
        [{"anchor": "resolution_due", "offset_seconds": -7 * HOUR, "notify": ["team"]}]
    )
    level = EscalationPolicy.objects.get().levels.get()
    level.notify_contacts.add(vendor)
    ticket = make_ticket(customer, team=teams["desk"], at=berlin(2026, 6, 2, 9))
    ticket.add_reply(agent, SECRET_NOTE, internal=True, at=berlin(2026, 6, 2, 9, 1))
    ticket.add_reply(agent, "We have asked our vendor to look.", at=berlin(2026, 6, 2, 9, 2))
    ticket.escalate(agent, REASON, at=berlin(2026, 6, 2, 9, 3))
    assert run_engine(berlin(2026, 6, 2, 10)) == 1

    rows = list(Notification.objects.filter(kind="contact_update").order_by("channel"))
    assert [(r.channel, r.address, r.recipient_id) for r in rows] == [
        ("email", "vera@acme.example", None),
        ("webhook", "https://hooks.acme.example/tierdesk", None),
    ]
    render_rows(rows)
    everything = json.dumps([[r.subject, r.body, r.html_body, r.payload] for r in rows])
    assert ticket.reference in everything and ticket.subject in everything
    # The status page's signed token is random text, in which a short word like "P3" can occur.
    links = re.compile(r"/portal/status/[\w:-]+/")
    assert len(links.findall(everything)) >= 2  # the mail's link and the webhook's
    for secret in (SECRET_NOTE, REASON, "Service Desk", "P3", "level"):
        assert secret not in links.sub("/portal/status/…/", everything)
    assert rows[1].secret == "s3cret"

    link = rows[0].payload["ticket"]["url"]
    page = client.get(link[link.index("/portal/") :])
    assert page.status_code == 200
    text = page.content.decode()
    assert "We have asked our vendor to look." in text and "read only" in text
    assert SECRET_NOTE not in text and REASON not in text
    assert "<form" not in text.split("<main", 1)[1].split("</main>")[0]


def test_a_tampered_or_retired_link_opens_nothing(client, desk_ticket, vendor):
    token = contacts.status_token(desk_ticket.pk, vendor.pk)
    assert client.get(f"/portal/status/{token}/").status_code == 200
    assert client.get(f"/portal/status/{token}x/").status_code == 404
    vendor.is_active = False
    vendor.save()
    assert client.get(f"/portal/status/{token}/").status_code == 404
