"""Issue 28: a guest rates the outcome from the resolved mail's link, once; screenshots at 1280
and 375 px, axe clean."""

import re

import pytest
from playwright.sync_api import expect

from incidents.models import Ticket
from notifications.models import Notification
from tests.mails import rendered
from tests.portal.test_guest import FORM

from .pages import look

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_guest_rates_from_the_mail(browser, live_server, agent, teams):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/portal/guest/")
    for label, field in (("Your email address", "email"), ("Subject", "subject")):
        page.get_by_label(label).fill(FORM[field])
    page.get_by_label("What happened?").fill(FORM["description"])
    page.get_by_label("Just me").check()
    page.get_by_label("Today or tomorrow").check()
    page.get_by_role("button", name="Send").click()
    ticket = Ticket.objects.get()
    ticket.add_reply(agent, "The VPN concentrator was restarted.")
    ticket.resolve(agent)
    mail = rendered(Notification.objects.get(ticket=ticket, kind="resolved"))
    link = re.search(r"Rate the outcome: (\S+)", mail.body)[1]
    page.goto(link.replace("http://127.0.0.1:8000", live_server.url))
    expect(page.locator("h1")).to_contain_text(f"How did we do on {ticket.reference}?")
    findings = look(page, "guest-rating")
    page.get_by_label("Good", exact=True).check()
    page.get_by_label("Anything you'd like to tell us? (optional)").fill("Quick, thanks")
    page.get_by_role("button", name="Send rating").click()
    expect(page.locator("body")).to_contain_text("Thank you for your feedback.")
    ticket.refresh_from_db()
    assert ticket.rating == 4
    page.goto(link.replace("http://127.0.0.1:8000", live_server.url))
    expect(page.locator("body")).to_contain_text("already rated")
    findings += look(page, "guest-rating-done")
    assert findings == []
    context.close()
