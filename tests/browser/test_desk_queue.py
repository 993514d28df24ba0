"""The desk queue in Chromium under a strict CSP: rows refresh in place, the refresh pauses,
and the single-key shortcuts move, open the help and can be turned off."""

import pytest
from django.test import Client
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import expect

from incidents.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

CSP = "default-src 'self'; script-src 'self'; style-src 'self'; object-src 'none'"


@pytest.fixture
def desk_page(page, live_server):
    """Sign `user` in (session cookie) and serve desk pages with a CSP that forbids inline code."""
    errors = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)

    def add_csp(route):
        """The policy on pages (a CSP governs the document it comes with); every other request
        passes untouched. A page's last requests (the presence beacon as it unloads) can meet a
        context already closing: that is the test ending, not a failure."""
        try:
            if route.request.resource_type != "document":
                route.continue_()
                return
            response = route.fetch()
            route.fulfill(
                response=response, headers={**response.headers, "content-security-policy": CSP}
            )
        except PlaywrightError as error:
            if not any(word in error.message for word in ("closed", "disposed")):
                raise

    page.route("**/desk/**", add_csp)

    def sign_in(user):
        client = Client()
        client.force_login(user)
        cookie = client.cookies["sessionid"]
        page.context.add_cookies(
            [{"name": "sessionid", "value": cookie.value, "url": live_server.url}]
        )
        return page

    page.desk_errors = errors
    return sign_in


def test_escalated_ticket_appears_in_tier2_queue_without_reload(
    desk_page, live_server, agent, tier2_agent, desk_ticket
):
    page = desk_page(tier2_agent)
    page.clock.install()
    page.goto(f"{live_server.url}/desk/")
    expect(page.locator("#desk-queue-rows")).to_contain_text("No tickets match.")
    Ticket.objects.get(pk=desk_ticket.pk).escalate(agent, "Needs app support")
    page.clock.fast_forward(16_000)
    expect(page.locator("#desk-queue-rows")).to_contain_text(desk_ticket.reference)
    assert not [e for e in page.desk_errors if "Content Security Policy" in e]


def test_pausing_stops_the_refresh(desk_page, live_server, agent, tier2_agent, desk_ticket):
    page = desk_page(tier2_agent)
    page.clock.install()
    page.goto(f"{live_server.url}/desk/")
    toggle = page.get_by_role("button", name="Pause auto-refresh")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#desk-refresh-state")).to_have_text("Auto-refresh paused.")
    Ticket.objects.get(pk=desk_ticket.pk).escalate(agent, "Needs app support")
    page.clock.fast_forward(31_000)
    expect(page.locator("#desk-queue-rows")).to_contain_text("No tickets match.")


def test_keys_move_open_and_can_be_turned_off(
    desk_page, live_server, agent, customer, teams, make_ticket
):
    first, second = (make_ticket(customer, team=teams["desk"]) for _ in range(2))
    page = desk_page(agent)
    page.goto(f"{live_server.url}/desk/")
    page.keyboard.press("j")
    expect(page.locator("a.desk-row-link").first).to_be_focused()
    page.keyboard.press("j")
    expect(page.locator("a.desk-row-link").nth(1)).to_be_focused()
    page.keyboard.press("k")
    expect(page.locator("a.desk-row-link").first).to_be_focused()
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    dialog.get_by_role("button", name="Turn off single-key shortcuts").click()
    expect(dialog.get_by_role("button", name="Turn off single-key shortcuts")).to_have_attribute(
        "aria-pressed", "true"
    )
    dialog.get_by_role("button", name="Close").click()
    page.keyboard.press("j")
    expect(page.locator("a.desk-row-link").first).to_be_focused()  # j did nothing
    page.locator("a.desk-row-link").first.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/desk/tickets/{first.pk}/")
    assert second.pk != first.pk


def test_workspace_keys_focus_the_composer_and_actions(desk_page, live_server, agent, desk_ticket):
    page = desk_page(agent)
    page.goto(f"{live_server.url}/desk/tickets/{desk_ticket.pk}/")
    page.keyboard.press("n")
    expect(page.locator("#reply-body")).to_be_focused()
    expect(page.locator("#visibility-internal")).to_be_checked()
    page.keyboard.type("a")  # typed into the composer, not taken as a shortcut
    expect(page.locator("#reply-body")).to_have_value("a")
    page.locator("body").click(position={"x": 1, "y": 1})
    page.keyboard.press("a")
    expect(page.get_by_role("button", name="Acknowledge")).to_be_focused()
    page.keyboard.press("e")
    expect(page.locator("#escalate-team")).to_be_focused()
    page.keyboard.press("r")  # focus is in the escalate select: letters belong to it
    expect(page.locator("#visibility-internal")).to_be_checked()
    page.locator("body").click(position={"x": 1, "y": 1})
    page.keyboard.press("r")
    expect(page.locator("#reply-body")).to_be_focused()
    expect(page.locator("#visibility-public")).to_be_checked()


def test_saved_reply_inserts_without_a_reload(desk_page, live_server, agent, desk_ticket):
    from incidents.models import SavedReply

    SavedReply.objects.create(team=desk_ticket.team, title="Reset", body="Try a reset.")
    page = desk_page(agent)
    page.goto(f"{live_server.url}/desk/tickets/{desk_ticket.pk}/")
    page.fill("#reply-body", "Hello. ")
    page.get_by_role("button", name="Insert").click()
    expect(page.locator("#reply-body")).to_have_value("Hello. Try a reset.")
    expect(page).to_have_url(f"{live_server.url}/desk/tickets/{desk_ticket.pk}/")
    expect(page.locator("svg[role=img] title").first).to_have_text(
        "SLA timeline from creation to each due time"
    )
    assert not [e for e in page.desk_errors if "Content Security Policy" in e]
