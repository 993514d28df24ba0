"""Issue 28: a German customer signs in from a German browser in Berlin, submits a ticket,
reads the answer, replies, and gets German mails; screenshots at 1280 and 375 px, axe clean."""

import pytest
from playwright.sync_api import expect

from incidents.models import Profile, Ticket
from notifications.models import Notification
from tests.mails import rendered

from .pages import look

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_german_customer_submits_replies_and_gets_german_mails(
    browser, live_server, customer, agent, teams
):
    context = browser.new_context(locale="de-DE", timezone_id="Europe/Berlin")
    page = context.new_page()
    page.set_default_timeout(10_000)
    findings = []
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("h1")).to_have_text("Anmelden")
    page.get_by_label("E-Mail oder Benutzername").fill("alice")
    page.locator("input[name=password]").fill("pw-Tierdesk-1")
    page.get_by_role("button", name="Anmelden").click()
    expect(page.locator("h1")).to_contain_text("Meine Tickets")
    profile = Profile.objects.get(user=customer)
    assert (profile.language, profile.time_zone) == ("de", "Europe/Berlin")

    page.goto(f"{live_server.url}/portal/new/")
    page.get_by_label("Betreff").fill("Drucker staut bei jedem Auftrag")
    page.get_by_label("Was ist passiert?").fill("Seit Montag staut der Drucker im 3. Stock.")
    page.get_by_label("Mein Team").check()
    page.get_by_label("Heute oder morgen").check()
    findings += look(page, "portal-de-new-ticket")
    page.get_by_role("button", name="Senden").click()
    expect(page.locator("body")).to_contain_text("Wir arbeiten daran")
    ticket = Ticket.objects.get(subject="Drucker staut bei jedem Auftrag")

    ticket.add_reply(agent, "Bitte schalten Sie den Drucker einmal aus und wieder ein.")
    page.reload()
    expect(page.locator("body")).to_contain_text("einmal aus und wieder ein")
    page.get_by_label("Ihre Antwort").fill("Hat leider nicht geholfen.")
    page.get_by_role("button", name="Antwort senden").click()
    expect(page.locator("body")).to_contain_text("Ihre Antwort wurde gesendet.")
    findings += look(page, "portal-de-ticket")
    assert findings == []

    receipt = rendered(Notification.objects.get(ticket=ticket, kind="received"))
    assert (
        receipt.subject == f"[{ticket.reference}] Wir haben Ihre Anfrage erhalten: {ticket.subject}"
    )
    assert "Hallo " in receipt.body and "Ein Mitarbeiter meldet sich bald" in receipt.body
    assert "CET" in receipt.body  # when it arrived, in Berlin time
    reply = rendered(Notification.objects.get(ticket=ticket, kind="reply"))
    assert reply.subject.startswith("AW: ") and "hat auf Ihre Anfrage" in reply.html_body
    context.close()
