"""A supervisor configures an escalation policy through the real admin in Chromium."""

import pytest
from playwright.sync_api import expect

from escalation.models import EscalationPolicy

PASSWORD = "pw-Tierdesk-1"

# Committed data is what the live server thread sees; serialized_rollback restores the
# migration-made groups (agents, supervisors) after the flush, for the tests that follow.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def log_in(page, live_server, user):
    """Sign in through the admin login form, as a person would."""
    page.goto(f"{live_server.url}/admin/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page.locator("#user-tools")).to_contain_text(user.username)


def test_supervisor_adds_escalation_policy_with_a_level(
    page, live_server, make_user, static_statuses
):
    supervisor = make_user("sue", role="supervisor")
    assert not supervisor.is_superuser
    log_in(page, live_server, supervisor)

    page.goto(f"{live_server.url}/admin/escalation/escalationpolicy/add/")
    page.fill("#id_name", "Critical incidents")
    page.check("input[name=priorities][value=P2]")
    page.check("input[name=priorities][value=P1]")
    page.get_by_role("button", name="Add another Escalation level").click()
    page.fill("#id_levels-0-order", "1")
    page.select_option("#id_levels-0-anchor", "response_due")
    page.fill("#id_levels-0-offset_seconds", "-300")
    page.check("input[name='levels-0-notify'][value=team_leads]")
    page.click("input[name=_save]")

    expect(page.locator("ul.messagelist li.success")).to_contain_text(
        "The escalation policy “Critical incidents” was added successfully."
    )
    policy = EscalationPolicy.objects.get(name="Critical incidents")
    assert policy.priorities == ["P1", "P2"]
    level = policy.levels.get()
    assert (level.order, level.anchor, level.offset_seconds) == (1, "response_due", -300)
    assert level.notify == ["team_leads"]
    assert static_statuses["admin/css/base.css"] == 200
    assert static_statuses["admin/js/inlines.js"] == 200


def test_admin_form_errors_are_shown_and_nothing_is_saved(page, live_server, make_user):
    """A level that fires before the ticket exists is refused on the page, not with a 500."""
    supervisor = make_user("sam", role="supervisor")
    log_in(page, live_server, supervisor)

    page.goto(f"{live_server.url}/admin/escalation/escalationpolicy/add/")
    page.fill("#id_name", "Too early")
    page.get_by_role("button", name="Add another Escalation level").click()
    page.fill("#id_levels-0-order", "1")
    page.select_option("#id_levels-0-anchor", "created")
    page.fill("#id_levels-0-offset_seconds", "-60")
    page.click("input[name=_save]")

    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator(".inline-group .errorlist")).to_contain_text(
        "A level cannot fire before the ticket exists."
    )
    assert not EscalationPolicy.objects.filter(name="Too early").exists()


def test_the_configuration_pages_pass_axe_and_read_in_words(page, context, live_server, make_user):
    """The escalation policy, SLA policy and matrix pages: no serious or critical axe finding at
    either width, durations shown in words, the matrix a grid a supervisor can change."""
    from escalation.models import EscalationLevel, SLAPolicy, SLATarget
    from incidents.models import PriorityMatrixEntry

    from .pages import look, sign_in

    sign_in(context, live_server, make_user("sue", role="supervisor"))
    sla = SLAPolicy.objects.create(name="Standard")
    SLATarget.objects.create(
        policy=sla, priority="P1", first_response_seconds=900, resolution_seconds=5400
    )
    policy = EscalationPolicy.objects.create(name="Major incidents")
    EscalationLevel.objects.create(policy=policy, order=1, offset_seconds=-900)
    admin = f"{live_server.url}/admin"
    found = []

    page.goto(f"{admin}/escalation/escalationpolicy/{policy.pk}/change/")
    expect(page.locator("#id_levels-0-offset_seconds")).to_have_value("-15m")
    found += look(page, "admin-escalation-policy")
    page.goto(f"{admin}/escalation/escalationpolicy/add/")
    found += look(page, "admin-escalation-policy-add")
    page.goto(f"{admin}/escalation/slapolicy/{sla.pk}/change/")
    expect(page.locator("#id_targets-0-resolution_seconds")).to_have_value("1h 30m")
    found += look(page, "admin-sla-policy")
    page.goto(f"{admin}/incidents/prioritymatrixentry/")
    found += look(page, "admin-priority-matrix")
    assert not found, found

    cell = page.get_by_label("Impact low, urgency low")
    cell.select_option("P2")
    expect(page.locator("td:has(select[name=low-low])")).to_have_class("cell-p2")
    page.click("input[name=_save]")
    expect(page.locator("ul.messagelist li.success")).to_contain_text("1 cell(s) changed")
    assert PriorityMatrixEntry.priority_for("low", "low") == "P2"
