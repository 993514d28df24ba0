"""Issue 26, in Chromium: a supervisor opens the dashboard, chooses a period and one team,
downloads the compliance table as CSV and reads it back. Screenshots at 1280 and 375 px; axe."""

import csv

import pytest
from playwright.sync_api import expect

from tests.escalation.reports.dataset import build

from .pages import look, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_supervisor_filters_one_team_and_downloads_its_csv(
    browser, live_server, customer, agent, supervisor, teams
):
    build(customer, agent, teams)
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    sign_in(context, live_server, supervisor)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/desk/")
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name="Dashboard")).to_be_visible()

    page.get_by_label("From", exact=True).fill("2026-03-01")
    page.get_by_label("To", exact=True).fill("2026-03-31")
    page.get_by_label("Team", exact=True).select_option(label="Application Support (tier 2)")
    page.get_by_role("button", name="Show").click()
    compliance = page.get_by_role("region", name="Compliance table")
    expect(compliance.get_by_role("row")).to_have_count(3)  # the header, P2 and P3
    expect(compliance).to_contain_text("Application Support")
    expect(compliance).not_to_contain_text("Service Desk")
    chart = page.get_by_role("img", name="Deadlines met, per team and priority")
    expect(chart).to_be_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download compliance as CSV").click()
    with open(download.value.path(), newline="") as file:
        rows = list(csv.DictReader(file))
    assert [(r["team_name"], r["priority"], r["tickets"]) for r in rows] == [
        ("Application Support", "P2", "11"),
        ("Application Support", "P3", "5"),
    ]
    assert rows[1]["mtta_median_seconds"] == "10800"

    findings = look(page, "desk-dashboard")
    context.close()
    assert findings == []
