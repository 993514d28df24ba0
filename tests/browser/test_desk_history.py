"""Issue 28: the workspace tells the ticket's whole story, in Chromium, with axe and screenshots."""

import pytest
from playwright.sync_api import expect

from tests.desk.stories import ESCALATION_REASON, PRIORITY_REASON, ticket_with_every_entry

from .pages import look, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_story_with_its_reasons_and_tabs(
    browser, live_server, make_ticket, customer, teams, lead, tier2_agent, supervisor
):
    ticket = ticket_with_every_entry(make_ticket, customer, teams, lead, tier2_agent, supervisor)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    sign_in(context, live_server, supervisor)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/desk/tickets/{ticket.pk}/")
    story = page.locator(".desk-story")
    expect(story).to_contain_text(f"Reason: {PRIORITY_REASON}")
    expect(story).to_contain_text(f"Reason: {ESCALATION_REASON}")
    exact = story.locator("time").first.get_attribute("title")
    assert exact and ":" in exact and "UTC" in exact
    assert look(page, "desk-history") == []
    page.get_by_role("link", name="Escalations").click()
    expect(page.locator('.desk-story li[data-entry="replied"]')).to_have_count(0)
    expect(page.locator('.desk-story li[data-entry="escalated"]')).to_have_count(2)
    assert look(page, "desk-history-escalations") == []
    context.close()
