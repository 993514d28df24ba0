"""Issue 20, in Chromium: after an escalation, the workspace's escalation timeline shows each
level once, the new team's levels due before the move as passed over with the reason, what is
to come as upcoming, and no "Due now" entry that will never fire. Screenshots and axe."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from escalation.models import EscalationLevel, EscalationPolicy, Firing, SLAPolicy
from notifications.models import Notification
from tests.escalation.sla_setup import run_engine

from .pages import look, signed_in_page

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
HOUR = 3600


def ladder(name, team, levels):
    policy = EscalationPolicy.objects.create(name=name)
    policy.teams.set([team])
    for order, (anchor, offset) in enumerate(levels, start=1):
        EscalationLevel.objects.create(
            policy=policy, order=order, anchor=anchor, offset_seconds=offset, notify=["team_leads"]
        )
    return policy


@pytest.fixture
def policies(teams, lead):
    SLAPolicy.objects.create(name="Standard", is_default=True).targets.create(
        priority="P3", first_response_seconds=2 * HOUR, resolution_seconds=24 * HOUR
    )
    ladder("Desk ladder", teams["desk"], [("created", HOUR), ("response_due", 0)])
    ladder(
        "Apps ladder",
        teams["apps"],
        [("created", HOUR // 2), ("response_due", -HOUR // 4), ("resolution_due", -4 * HOUR)],
    )


def test_an_escalated_ticket_shows_each_level_once_and_what_was_passed_over(
    policies, browser, live_server, make_ticket, customer, teams, agent
):
    created = timezone.now() - timedelta(hours=3)
    ticket = make_ticket(customer, team=teams["desk"], at=created)
    # The engine ran at each due time: both of the desk's levels fired on time.
    run_engine(created + timedelta(hours=1))
    run_engine(created + timedelta(hours=2))
    assert Firing.objects.filter(ticket=ticket, state="fired").count() == 3  # and the breach

    page = signed_in_page(browser, live_server, agent)
    page.goto(f"{live_server.url}/desk/tickets/{ticket.pk}/")
    sent_before = Notification.objects.filter(cause__startswith="firing:").count()
    page.get_by_label("Reason (required)").last.fill("The export job needs application support")
    page.get_by_role("button", name="Escalate").click()
    expect(page.locator("body")).to_contain_text("Escalated to Application Support")

    ticket.refresh_from_db()
    assert ticket.team == teams["apps"]
    # The move told nobody of a level: only the manual escalation's own notice went out.
    assert Notification.objects.filter(cause__startswith="firing:").count() == sent_before

    steps = page.locator(".desk-timeline li")
    expect(steps.filter(has_text="Fired on time")).to_have_count(3)  # two levels, the breach
    expect(steps.filter(has_text="Passed over")).to_have_count(2)
    expect(steps.filter(has_text="The ticket was escalated to Application Support")).to_have_count(
        2
    )
    expect(steps.filter(has_text="Upcoming")).to_have_count(2)  # the apps level and the breach
    expect(page.locator(".desk-timeline")).not_to_contain_text("Due now")
    titles = [t.strip() for t in steps.locator("strong").all_inner_texts()]
    assert len(titles) == len(set(titles)), titles
    findings = look(page, "desk-ladder-after-escalation")
    page.context.close()
    assert findings == []
