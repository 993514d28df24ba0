"""The login lockout (issue 21, finding 12) through the browser: the warning before the last
try, then a page of the site that says until when and links the password reset."""

import pytest
from playwright.sync_api import expect

from .pages import look

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_the_last_try_is_announced_then_the_lockout_page_offers_a_reset(
    page, live_server, make_user
):
    make_user("priya", role="agent")
    page.goto(f"{live_server.url}/accounts/login/")
    for attempt in range(5):
        page.get_by_label("Email or username").fill("priya@example.com")
        page.get_by_label("Password").fill(f"guess-{attempt}")
        page.get_by_role("button", name="Sign in").click()
        if attempt == 3:
            expect(page.get_by_text("One more wrong password")).to_be_visible()
            assert look(page, "login-last-try") == []

    expect(page.get_by_role("heading", name="Too many attempts")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("Try again at")
    assert look(page, "lockout") == []
    page.get_by_role("link", name="Reset your password").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/password/reset/")
