"""Issue 28's layout findings: a phone sees the first ticket on its first screen, and a
reference never breaks across lines at desktop width."""

import pytest

from .pages import sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_first_row_on_a_phones_first_screen_and_references_on_one_line(
    browser, live_server, make_ticket, customer, teams, agent
):
    for n in range(3):
        make_ticket(customer, team=teams["desk"], subject=f"Mail bounces for the sales team {n}")
    context = browser.new_context(viewport={"width": 375, "height": 667})
    sign_in(context, live_server, agent)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/desk/")
    first = page.locator("#desk-queue-rows tr").first.bounding_box()
    assert first["y"] + 24 < 667, first
    page.set_viewport_size({"width": 1280, "height": 900})
    for link in page.locator(".desk-row-link").all():
        box = link.bounding_box()
        line = float(link.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
        assert box["height"] < 1.5 * line, (link.inner_text(), box)
    context.close()
