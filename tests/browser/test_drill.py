"""Issue 24, in Chromium: a supervisor runs a drill of a 3-level policy from the desk, the
reached lead acknowledges through the drill link, and the scorecard shows each level. The
engine is run by the test at the levels' due times (no worker in a browser test)."""

import time
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from escalation.majors.models import Drill
from escalation.models import EscalationLevel, EscalationPolicy
from incidents.models import Membership
from tests.escalation.oncall import builders
from tests.escalation.sla_setup import run_engine

from .pages import look, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def ladder(make_user, teams):
    ana = make_user("ana", role="agent", first_name="Ana", last_name="Ortiz")
    cam = make_user("cam", role="agent", first_name="Cam", last_name="Diaz")
    lee = make_user("lee", role="agent", first_name="Lee", last_name="Chen")
    Membership.objects.create(user=ana, team=teams["desk"], role="agent")
    Membership.objects.create(user=cam, team=teams["desk"], role="lead")
    builders.rotation(teams["desk"], [ana], date(2026, 1, 5))
    policy = EscalationPolicy.objects.create(name="Desk ladder")
    policy.teams.set([teams["desk"]])
    for order, notify in enumerate([["on_call"], ["team_leads"], []], start=1):
        level = EscalationLevel.objects.create(
            policy=policy, order=order, anchor="response_due", offset_seconds=0, notify=notify
        )
    level.notify_users.set([lee])
    return {"cam": cam}


def test_run_a_drill_and_read_its_scorecard(browser, live_server, ladder, make_user):
    sue = make_user("sue", role="supervisor")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    sign_in(context, live_server, sue)
    page = context.new_page()
    page.set_default_timeout(10_000)

    page.goto(f"{live_server.url}/desk/drills/")
    page.get_by_label("Policy").select_option(label="Desk ladder")
    page.get_by_label("Team").select_option(label="Service Desk (tier 1)")
    page.get_by_label("Seconds between levels").fill("2")
    findings = look(page, "drill-run")
    page.get_by_role("button", name="Run the drill").click()
    expect(page.locator("h1")).to_contain_text("Drill")
    expect(page.locator(".drill-scorecard tbody tr")).to_have_count(3)
    drill = Drill.objects.get()

    # The levels fire on the real clock (2 s apart), as the deadline broker would fire them.
    level_two = drill.started_at + timedelta(seconds=4)
    while timezone.now() < level_two:
        time.sleep(0.1)
    run_engine(timezone.now())
    cam = browser.new_context(viewport={"width": 375, "height": 900})
    sign_in(cam, live_server, ladder["cam"])
    cam_page = cam.new_page()
    cam_page.goto(f"{live_server.url}/desk/drills/ack/{drill.ticket_id}/")
    cam_page.get_by_role("button", name="Acknowledge the drill").click()
    expect(cam_page.locator("body")).to_contain_text("Drill acknowledged")
    cam.close()
    run_engine(max(timezone.now(), drill.started_at + timedelta(seconds=6)))

    page.reload()
    rows = page.locator(".drill-scorecard tbody tr")
    expect(rows.nth(0)).to_contain_text("Ana Ortiz")
    expect(rows.nth(1)).to_contain_text("Cam Diaz at")
    expect(rows.nth(2)).to_contain_text("Not fired (answered before)")
    expect(page.locator("body")).to_contain_text("Acknowledged")
    findings += look(page, "drill-scorecard")
    context.close()
    assert not findings, findings
