"""Issue 12: a customer's whole story on the portal, in Chromium, at 1280 px and 375 px.

Submit with an attachment, see it in My tickets, read the agent's public reply (never the
internal note), reply, mark it solved, rate it; a second customer gets 404 on the ticket and on
its attachment; an oversized file is refused and the typed text is kept. Every page is checked
with axe-core and kept as a screenshot under tests/browser/screenshots/."""

import pytest
from playwright.sync_api import expect

from incidents.models import Ticket
from notifications.models import Notification
from tests.mails import rendered

from .pages import look, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
SECRET = "INTERNAL: customer is on the watch list"


@pytest.fixture
def customer_page(browser, live_server, customer):
    context = browser.new_context()
    sign_in(context, live_server, customer)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def fill_new_ticket(page, live_server, tmp_path, size):
    page.goto(f"{live_server.url}/portal/new/")
    page.get_by_label("Subject").fill("Printer jams on every job")
    page.get_by_label("What happened?").fill("Since Monday the 3rd floor printer jams.")
    page.get_by_label("My team").check()
    page.get_by_label("Today or tomorrow").check()
    upload = tmp_path / "jam.png"
    upload.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * size)
    page.get_by_label("Attachments").set_input_files(str(upload))


def test_customer_story_on_the_portal(
    customer_page, live_server, tmp_path, agent, teams, settings, make_user
):
    page, findings = customer_page, []
    page.goto(f"{live_server.url}/portal/")
    findings += look(page, "portal-my-tickets-empty")

    fill_new_ticket(page, live_server, tmp_path, size=2_000)
    findings += look(page, "portal-new-ticket")
    page.get_by_role("button", name="Send").click()
    expect(page.locator("body")).to_contain_text("You'll hear from us")
    ticket = Ticket.objects.get(subject="Printer jams on every job")
    expect(page.locator("h1")).to_contain_text(ticket.reference)
    findings += look(page, "portal-ticket-new")

    page.goto(f"{live_server.url}/portal/")
    expect(page.get_by_role("link", name=ticket.reference)).to_be_visible()
    findings += look(page, "portal-my-tickets")

    ticket.add_reply(agent, "Could you send the printer's asset number?")
    ticket.add_reply(agent, SECRET, internal=True)
    page.goto(f"{live_server.url}/portal/tickets/{ticket.pk}/")
    expect(page.locator("body")).to_contain_text("printer's asset number")
    expect(page.locator("body")).not_to_contain_text(SECRET)
    customer_mail = Notification.objects.filter(ticket=ticket, recipient=ticket.requester)
    assert customer_mail.exists()
    assert not any(SECRET in m.body or SECRET in m.html_body for m in map(rendered, customer_mail))
    findings += look(page, "portal-ticket-with-reply")

    page.get_by_label("Your reply").fill("It is PRN-0311.")
    page.get_by_role("button", name="Send reply").click()
    expect(page.locator("body")).to_contain_text("PRN-0311")
    page.get_by_role("button", name="This is solved").click()
    expect(page.locator("body")).to_contain_text("Solved")
    findings += look(page, "portal-ticket-solved")

    page.get_by_role("link", name="Rate our help").click()
    findings += look(page, "portal-rate")
    page.get_by_label("Very good").check()
    page.get_by_role("button", name="Send rating").click()
    ticket.refresh_from_db()
    assert (ticket.status, ticket.rating) == ("resolved", 5)

    attachment = ticket.attachments.get()
    other = make_user("carol")
    context = page.context.browser.new_context()
    sign_in(context, live_server, other)
    stranger = context.new_page()
    ticket_url = f"{live_server.url}/portal/tickets/{ticket.pk}/"
    assert stranger.goto(ticket_url).status == 404
    findings += look(stranger, "portal-404")
    file_url = f"{ticket_url}attachments/{attachment.pk}/"
    assert stranger.goto(file_url).status == 404
    context.close()

    assert findings == []


def test_an_oversized_attachment_is_refused_and_the_text_kept(
    customer_page, live_server, tmp_path, settings
):
    settings.ATTACHMENT_MAX_BYTES = 1_000
    page = customer_page
    fill_new_ticket(page, live_server, tmp_path, size=5_000)
    page.get_by_role("button", name="Send").click()

    expect(page.locator("body")).to_contain_text("too large")
    expect(page.get_by_label("Subject")).to_have_value("Printer jams on every job")
    expect(page.get_by_label("What happened?")).to_have_value(
        "Since Monday the 3rd floor printer jams."
    )
    assert not Ticket.objects.filter(subject="Printer jams on every job").exists()
    assert look(page, "portal-new-ticket-refused") == []
