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

    expect(page.locator("p.errornote")).to_be_visible()
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
    expect(page.locator("#preview-timeline")).to_be_visible()  # the live panel has loaded
    found += look(page, "admin-escalation-policy")
    page.goto(f"{admin}/escalation/escalationpolicy/add/")
    expect(page.locator("#live-preview-errors")).to_contain_text("Name: This field is required")
    found += look(page, "admin-escalation-policy-add")
    page.goto(f"{admin}/escalation/slapolicy/{sla.pk}/change/")
    expect(page.locator("#id_targets-0-resolution_seconds")).to_have_value("1h 30m")
    expect(page.locator("#preview-timeline")).to_contain_text("P1")
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


def test_a_supervisor_watches_the_preview_move_as_they_edit_a_level(
    page, context, live_server, make_user, teams, monkeypatch, make_ticket, customer
):
    """Edit a level's offset: the panel's due time moves before saving; save; it is stored; the
    change is in the history; a replay of the draft runs against the past."""
    from escalation.tasks import run_replay

    # The worker's part, done in the server at once (no qcluster runs beside the tests).
    monkeypatch.setattr(
        "escalation.admin.replays.async_task", lambda _name, replay_id: run_replay(replay_id)
    )
    from escalation.models import EscalationLevel, SLAPolicy, SLATarget

    from .pages import look, sign_in

    sign_in(context, live_server, make_user("sue", role="supervisor"))
    sla = SLAPolicy.objects.create(name="Standard", is_default=True)
    SLATarget.objects.create(
        policy=sla, priority="P3", first_response_seconds=4 * 3600, resolution_seconds=8 * 3600
    )
    policy = EscalationPolicy.objects.create(name="Desk escalation")
    EscalationLevel.objects.create(policy=policy, order=1, offset_seconds=-900, notify=["team"])
    from datetime import timedelta

    from django.utils import timezone

    make_ticket(customer, team=teams["desk"], at=timezone.now() - timedelta(days=2))

    page.goto(f"{live_server.url}/admin/escalation/escalationpolicy/{policy.pk}/change/")
    page.fill("#id_preview-created_at", "2030-06-03T09:00")
    panel = page.locator("#live-preview-result")
    expect(panel).to_contain_text("A new P3 ticket for Service Desk")
    expect(panel.locator("tr.firing").first).to_contain_text("12:45:00")

    page.fill("#id_levels-0-offset_seconds", "-1h")
    expect(panel.locator("tr.firing").first).to_contain_text("12:00:00")
    expect(panel.locator("tr.firing").first).to_contain_text("was ")
    assert EscalationLevel.objects.get().offset_seconds == -900  # nothing saved yet
    found = look(page, "admin-live-preview")

    page.fill("#id_levels-0-offset_seconds", "soon")
    expect(page.locator("#live-preview-errors")).to_contain_text("“soon” is not a duration.")
    page.fill("#id_levels-0-offset_seconds", "-1h")
    expect(panel.locator("tr.firing").first).to_contain_text("12:00:00")
    page.click("input[name=_continue]")
    expect(page.locator("ul.messagelist li.success")).to_contain_text("was changed successfully")
    assert EscalationLevel.objects.get().offset_seconds == -3600

    page.click("a.historylink")  # the change, in the policy's history: who, when, through what
    levels = page.locator(".child-history")
    expect(levels).to_contain_text("Level 1: first response due -1h")
    expect(levels).to_contain_text("sue")
    expect(levels).to_contain_text("admin")
    found += look(page, "admin-policy-history")

    page.go_back()  # the form again, its preview shown (asked again after the back/forward cache)
    expect(panel.locator("tr.firing").first).to_contain_text("First response due -1h")
    page.fill("#id_replay-days", "7")
    page.click("#replay-button")
    result = page.locator(".replay-result")
    expect(result).to_contain_text("Replayed “Desk escalation” against the tickets of the last 7")
    expect(result.locator("tbody tr")).to_contain_text("Service Desk")
    expect(page.locator("#live-preview-result .replay-result")).to_have_count(0)
    found += look(page, "admin-replay")
    assert not found, found


def test_a_supervisor_replays_an_sla_draft_and_reads_the_breaches_gained_and_lost(
    page, context, live_server, make_user, teams, monkeypatch, make_ticket, customer, agent
):
    """On the SLA policy form: loosen the first-response target, tighten the resolution one,
    watch the preview move, replay the unsaved draft against the past, read what it changes."""
    from datetime import timedelta

    from django.utils import timezone

    from escalation.models import SLAPolicy, SLATarget
    from escalation.tasks import run_replay

    from .pages import look, sign_in

    monkeypatch.setattr(
        "escalation.admin.replays.async_task", lambda _name, replay_id: run_replay(replay_id)
    )
    sign_in(context, live_server, make_user("sue", role="supervisor"))
    hour = timedelta(hours=1)
    sla = SLAPolicy.objects.create(name="Standard", is_default=True)
    SLATarget.objects.create(
        policy=sla, priority="P3", first_response_seconds=4 * 3600, resolution_seconds=8 * 3600
    )
    # 24×7, P3: 4h to respond, 8h to resolve. Under the draft (5h, 5h: a resolution shorter than
    # the response is refused) the quick one's resolution after 6h and the slow one's after 7h
    # are missed (2 gained); the slow one's acknowledgement after 5h is met, on time (1 lost).
    quick = make_ticket(customer, team=teams["desk"], at=timezone.now() - 2 * 24 * hour)
    quick.acknowledge(agent, at=quick.created_at + hour)
    quick.resolve(agent, at=quick.created_at + 6 * hour)
    slow = make_ticket(customer, team=teams["desk"], at=timezone.now() - 3 * 24 * hour)
    slow.acknowledge(agent, at=slow.created_at + 5 * hour)
    slow.resolve(agent, at=slow.created_at + 7 * hour)

    page.goto(f"{live_server.url}/admin/escalation/slapolicy/{sla.pk}/change/")
    page.fill("#id_preview-created_at", "2030-06-03T09:00")
    timeline = page.locator("#preview-timeline")
    expect(timeline).to_contain_text("17:00")  # resolution due after 8h
    page.fill("#id_targets-0-first_response_seconds", "5h")
    page.fill("#id_targets-0-resolution_seconds", "5h")
    expect(timeline).to_contain_text("14:00")  # before saving
    expect(timeline).not_to_contain_text("17:00")
    page.click("#replay-button")

    result = page.locator(".replay-result")
    expect(result).to_contain_text("Replayed “Standard” against the tickets of the last 30 days")
    row = result.locator("#replay-breaches tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td")).to_have_text(
        [
            "Service Desk",
            "P3",
            "2",
            "2 response 0 · resolution 2",
            "1 response 1 · resolution 0",
            "1",
            "2",
        ]
    )
    expect(result.locator("li").first).to_contain_text("resolution due 3h earlier")
    assert SLATarget.objects.get().resolution_seconds == 8 * 3600  # nothing saved
    found = look(page, "admin-sla-replay")
    assert not found, found
