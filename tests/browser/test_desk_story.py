"""Issue 13: an agent's story on the desk, in Chromium, with axe-core and screenshots.

Take a ticket from the team queue, write an internal note and a public reply (the response
countdown goes), escalate with a reason; a breached ticket sorts first and says so; a stale
form is refused with what changed, and the typed text is kept."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from escalation.models import EscalationLevel, EscalationPolicy, SLAPolicy
from incidents.models import Ticket

from .pages import look, signed_in_page

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
HOUR = 3600


@pytest.fixture
def sla(teams, lead):
    """24×7 targets for P3 and a policy whose level tells the lead before the response is due."""
    policy = SLAPolicy.objects.create(name="Standard", is_default=True)
    policy.targets.create(priority="P3", first_response_seconds=HOUR, resolution_seconds=8 * HOUR)
    escalation = EscalationPolicy.objects.create(name="Warn the lead")
    EscalationLevel.objects.create(
        policy=escalation,
        order=1,
        anchor="response_due",
        offset_seconds=-900,
        notify=["team_leads"],
    )
    EscalationLevel.objects.create(
        policy=escalation,
        order=2,
        anchor="response_due",
        offset_seconds=0,
        notify=["team"],
        reassign_to=teams["apps"],
    )
    return policy


@pytest.fixture
def agent_page(browser, live_server, agent):
    page = signed_in_page(browser, live_server, agent)
    yield page
    page.context.close()


def test_agent_story_on_the_desk(sla, agent_page, live_server, make_ticket, customer, teams, agent):
    page, findings = agent_page, []
    now = timezone.now()
    late = make_ticket(customer, team=teams["desk"], at=now - timedelta(hours=3))
    fresh = make_ticket(customer, team=teams["desk"], at=now - timedelta(minutes=5))
    Ticket.objects.filter(pk=fresh.pk).update(subject="Mail bounces for the sales team")

    page.goto(f"{live_server.url}/desk/")
    rows = page.locator("#desk-queue-rows tr")
    expect(rows.first).to_contain_text(late.reference)  # breached first
    expect(rows.first).to_contain_text("Overdue")
    findings += look(page, "desk-queue")

    page.get_by_role("link", name=fresh.reference).click()
    expect(page.locator("h1")).to_contain_text(fresh.reference)
    findings += look(page, "desk-workspace")
    page.get_by_role("button", name="Take (assign to me)").click()
    expect(page.locator(".desk-facts")).to_contain_text(agent.username)

    page.get_by_label("Internal note (agents only)").check()
    page.get_by_label("Message").fill("Checked the mail relay: queue is growing.")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator("body")).to_contain_text("Internal note")
    page.get_by_label("Public reply").check()
    page.get_by_label("Message").fill("We are on it and will update you within the hour.")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator("body")).to_contain_text("will update you within the hour")
    fresh.refresh_from_db()
    assert fresh.acknowledged_at is not None
    expect(page.locator(".desk-clocks")).to_contain_text("Acknowledged")
    findings += look(page, "desk-workspace-answered")

    page.get_by_label("Reason (required)").last.fill("Relay config needs application support")
    page.get_by_role("button", name="Escalate").click()
    fresh.refresh_from_db()
    assert fresh.team == teams["apps"] and fresh.escalation_level == 1
    findings += look(page, "desk-workspace-escalated")

    assert findings == []


def test_a_stale_form_is_refused_and_the_text_kept(
    sla, agent_page, live_server, make_ticket, customer, teams, tier2_agent
):
    page = agent_page
    ticket = make_ticket(customer, team=teams["desk"])
    page.goto(f"{live_server.url}/desk/tickets/{ticket.pk}/")
    Ticket.objects.get(pk=ticket.pk).add_reply(customer, "Any news? It is getting worse.")

    page.get_by_label("Message").fill("My carefully typed answer.")
    page.get_by_role("button", name="Send", exact=True).click()

    expect(page.locator("body")).to_contain_text("Changed since you opened this ticket")
    expect(page.get_by_label("Message")).to_have_value("My carefully typed answer.")
    assert not ticket.replies.filter(body="My carefully typed answer.").exists()
    assert look(page, "desk-collision") == []
