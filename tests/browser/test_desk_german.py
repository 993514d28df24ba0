"""Issue 28: a German agent's major-incident page and a German supervisor's dashboard, and
the page behind a contact's link in a German browser; screenshots at 1280 and 375 px (German
words are longer), axe clean."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from escalation.majors import links
from escalation.majors.models import MajorIncident
from incidents.models import Profile
from notifications.models import Contact

from .pages import look, signed_in_page

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_german_major_incident_dashboard_and_contact_link(
    browser, live_server, lead, supervisor, teams, desk_ticket
):
    for user in (lead, supervisor):
        Profile.objects.update_or_create(user=user, defaults={"language": "de"})
    vendor = Contact.objects.create(name="Bereitschaft Acme", email="noc@acme.example")
    incident = MajorIncident.declare(
        lead, "Kasse ausgefallen", "SEV1", teams=[teams["desk"]], contacts=[vendor]
    )
    incident.link(lead, desk_ticket)
    findings = []

    page = signed_in_page(browser, live_server, lead)
    page.goto(f"{live_server.url}{reverse('desk:major', args=[incident.pk])}")
    expect(page.locator("#board-heading")).to_have_text("Wer antwortet")
    page.get_by_role("button", name="Bestätigen").click()
    expect(page.locator("body")).to_contain_text("Bestätigt: Ihre Alarme wurden beendet.")
    findings += look(page, "major-incident-de")

    page = signed_in_page(browser, live_server, supervisor)
    page.goto(f"{live_server.url}{reverse('desk:dashboard')}")
    expect(page.locator("#dash-backlog")).to_have_text("Rückstand nach Alter, aktuell")
    findings += look(page, "desk-dashboard-de")

    contact = browser.new_context(locale="de-DE").new_page()
    party = incident.parties.get(contact=vendor)
    contact.goto(f"{live_server.url}{reverse('portal:major-ack', args=[links.token(party.pk)])}")
    contact.get_by_role("button", name="Für Bereitschaft Acme bestätigen").click()
    expect(contact.locator("p[role=status]")).to_contain_text("wurden beendet")
    findings += look(contact, "major-ack-de")

    assert findings == []
