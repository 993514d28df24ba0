"""Issue 12: a guest and a new customer on the portal, in Chromium, with axe-core and
screenshots. The guest submits, follows the emailed link and sets a password; the new customer
signs up, confirms the address from the sent mail, submits with an attachment and finds the
ticket in My tickets."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from incidents.models import Ticket
from notifications.models import Notification
from tests.mails import rendered

from .pages import look

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PASSWORD = "A-long-enough-passphrase-2026"


def link_in(text, path):
    """The first absolute link in `text` whose path starts with `path`."""
    return re.search(rf"https?://[^\s\"<>]*{re.escape(path)}[^\s\"<>]*", text).group(0)


def local(url, live_server):
    return live_server.url + re.sub(r"^https?://[^/]+", "", url)


@pytest.fixture
def fresh_page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_guest_submits_follows_the_link_and_sets_a_password(fresh_page, live_server, teams):
    page, findings = fresh_page, []
    page.goto(f"{live_server.url}/portal/guest/")
    findings += look(page, "portal-guest-new")
    page.get_by_label("Your email address").fill("gina@example.com")
    page.get_by_label("Your name (optional)").fill("Gina")
    page.get_by_label("Subject").fill("Cannot print invoices")
    page.get_by_label("What happened?").fill("The invoice PDF is blank when printed.")
    page.get_by_role("button", name="Send").click()
    findings += look(page, "portal-guest-sent")

    ticket = Ticket.objects.get(subject="Cannot print invoices")
    received = rendered(Notification.objects.get(ticket=ticket, kind="received"))
    page.goto(local(link_in(received.body, "/portal/guest/"), live_server))
    expect(page.locator("h1")).to_contain_text(ticket.reference)
    findings += look(page, "portal-guest-ticket")

    page.goto(local(link_in(received.body, "/password/"), live_server))
    findings += look(page, "portal-guest-password")
    page.get_by_label("New password", exact=True).fill(PASSWORD)
    page.get_by_label("New password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("link", name=ticket.reference)).to_be_visible()  # My tickets

    assert findings == []


def test_new_customer_signs_up_confirms_and_submits(fresh_page, live_server, teams, tmp_path):
    page, findings = fresh_page, []
    page.goto(f"{live_server.url}/accounts/signup/")
    findings += look(page, "account-signup")
    page.get_by_label("Your name").fill("Nina Okafor")
    page.get_by_label("Email").fill("nina@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    findings += look(page, "account-verification-sent")

    [confirmation] = [m for m in mail.outbox if m.to == ["nina@example.com"]]
    page.goto(local(link_in(confirmation.body, "/accounts/confirm-email/"), live_server))
    findings += look(page, "account-confirm")
    page.get_by_role("button", name="Confirm").click()

    page.goto(f"{live_server.url}/accounts/login/")
    findings += look(page, "account-login")
    page.locator("input[name=login]").fill("nina@example.com")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("h1")).to_contain_text("My tickets")

    page.goto(f"{live_server.url}/portal/new/")
    page.get_by_label("Subject").fill("Laptop will not charge")
    page.get_by_label("What happened?").fill("The charger light stays off.")
    upload = tmp_path / "charger.png"
    upload.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 500)
    page.get_by_label("Attachments").set_input_files(str(upload))
    page.get_by_role("button", name="Send").click()
    ticket = Ticket.objects.get(subject="Laptop will not charge")
    assert ticket.requester.email == "nina@example.com" and ticket.attachments.count() == 1

    page.goto(f"{live_server.url}/portal/")
    expect(page.get_by_role("link", name=ticket.reference)).to_be_visible()
    assert findings == []
