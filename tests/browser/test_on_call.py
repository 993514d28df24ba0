"""Issue 23, in Chromium: set an absence on the desk over one's own shift and see the conflict
warning before saving; read the forecast with a hole; download the iCalendar feed and parse it.
Screenshots at 1280 and 375 px, axe clean."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from incidents.models import Absence, Membership
from tests.escalation.oncall.builders import rotation
from tests.escalation.sla_setup import escalation_policy

from .pages import look, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def on_call_desk(make_user, teams, agent, lead):
    """The agent and ben take daily turns on the desk's primary rotation from yesterday; one
    level pages whoever is on call."""
    ben = make_user("ben", role="agent", first_name="Ben", last_name="Okafor")
    Membership.objects.create(user=ben, team=teams["desk"], role="agent")
    agent.first_name, agent.last_name = "Ana", "Silva"
    agent.save()
    rotation(teams["desk"], [agent, ben], timezone.now().date() - timedelta(days=1))
    escalation_policy([{"anchor": "created", "offset_seconds": 900, "notify": ["on_call"]}])
    return ben


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_absence_conflict_forecast_hole_and_calendar_feed(
    on_call_desk, browser, live_server, agent
):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    sign_in(context, live_server, agent)
    page = context.new_page()
    page.set_default_timeout(10_000)

    page.goto(f"{live_server.url}/desk/me/")
    expect(page.get_by_role("heading", name="When I am on call (next 14 days)")).to_be_visible()
    start = timezone.now() + timedelta(days=2)
    page.get_by_label("Away from").fill(local(start))
    page.get_by_label("Back at").fill(local(start + timedelta(days=2)))
    page.get_by_label("Note").fill("Conference")
    page.get_by_role("button", name="Save out of office").click()
    warning = page.locator("#absence-conflicts")
    expect(warning).to_contain_text("This absence overlaps your on-call time")
    expect(warning).to_contain_text("no one would be")
    assert not Absence.objects.exists()
    findings = look(page, "on-call-absence-conflict")
    page.get_by_role("button", name="Save anyway").click()
    expect(page.get_by_text("Out of office saved.")).to_be_visible()
    assert Absence.objects.get().note == "Conference"

    page.goto(f"{live_server.url}/desk/forecast/")
    holes = page.locator("#holes-heading + ul li")
    expect(holes.first).to_contain_text("reaches nobody")
    expect(page.get_by_role("cell", name="Nobody (hole)").first).to_be_visible()
    findings += look(page, "on-call-forecast-hole")

    page.goto(f"{live_server.url}/desk/me/")
    findings += look(page, "on-call-my-page")
    with page.expect_download() as download:
        # A download, not a page: fetch the feed as a calendar app would, then parse it.
        page.evaluate(
            "href => { const a = document.createElement('a'); a.href = href;"
            " a.download = 'on-call.ics'; document.body.appendChild(a); a.click(); }",
            page.locator("#on-call-feed").get_attribute("href"),
        )
    events = Calendar.from_ical(Path(download.value.path()).read_bytes()).walk("VEVENT")
    assert any(str(e["summary"]) == "On call: Service Desk (primary)" for e in events)
    assert not findings, findings
