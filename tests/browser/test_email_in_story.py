"""Email in, in Chromium: a supervisor reads a mail held for review in the admin's "Rejected
mail" and lets it through; the agent finds the mailed ticket, its text and its original .eml on
the desk. Screenshots at two widths and axe-core on each page."""

import pytest
from playwright.sync_api import expect

from incidents.models import Ticket
from notifications.inbound.ingest import ingest
from notifications.models import RejectedMail

from ..notifications.inbound.corpus import corpus
from .pages import look, signed_in_page

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def mail_in(settings, tmp_path):
    settings.DEFAULT_FROM_EMAIL = "Help <help@desk.example>"
    settings.MAIL_INBOUND = True
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.INBOUND_TICKETS_PER_SENDER_HOUR = 0  # every new ticket by mail is held


def test_a_held_mail_let_through_and_read_on_the_desk(
    browser, live_server, supervisor, agent, teams
):
    findings = []
    assert ingest(corpus("attachments_inline_image.eml")).status == "held"
    page = signed_in_page(browser, live_server, supervisor)

    page.goto(f"{live_server.url}/admin/notifications/rejectedmail/")
    expect(page.locator("#result_list")).to_contain_text("held for review")
    findings += look(page, "email-in-rejected-list")
    page.locator("#result_list tbody th a").first.click()
    expect(page.locator("pre")).to_contain_text("See the screenshot and the log.")
    findings += look(page, "email-in-rejected-mail")

    page.get_by_role("button", name="Retry this mail").click()
    ticket = Ticket.objects.get()
    expect(page.locator("ul.messagelist")).to_contain_text(f"taken, opened {ticket.reference}")
    assert not RejectedMail.objects.kept_aside().exists()

    desk = signed_in_page(browser, live_server, agent)
    desk.goto(f"{live_server.url}/desk/tickets/{ticket.pk}/")
    expect(desk.locator("body")).to_contain_text("See the screenshot and the log.")
    expect(desk.locator("body")).to_contain_text("Not attached")
    expect(desk.get_by_role("link", name="error.log")).to_be_visible()
    expect(
        desk.get_by_role(
            "link", name=ticket.attachments.get(content_type="message/rfc822").filename
        )
    ).to_be_visible()
    findings += look(desk, "email-in-desk-ticket")

    assert findings == []
