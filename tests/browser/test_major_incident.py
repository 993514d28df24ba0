"""Issue 24, in Chromium: declare a major incident from a ticket, link a second ticket from
the queue, post an update, and watch the board turn green as the paged people acknowledge.
Screenshots at 1280 and 375 px, and axe."""

from datetime import date

import pytest
from playwright.sync_api import expect

from escalation.majors.models import MajorIncident
from incidents.models import Membership
from notifications.models import Notification
from tests.escalation.oncall import builders

from .pages import look, sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def people(make_user, teams):
    ana = make_user("ana", role="agent", first_name="Ana", last_name="Ortiz")
    lee = make_user("lee", role="agent", first_name="Lee", last_name="Chen")
    cmd = make_user("cmd", role="agent", first_name="Cam", last_name="Diaz")
    Membership.objects.create(user=ana, team=teams["desk"], role="agent")
    Membership.objects.create(user=cmd, team=teams["desk"], role="lead")
    Membership.objects.create(user=lee, team=teams["apps"], role="lead")
    builders.rotation(teams["desk"], [ana], date(2026, 1, 5))
    return {"ana": ana, "lee": lee, "cmd": cmd}


def test_declare_link_update_and_watch_the_board_turn_green(
    browser, live_server, people, teams, make_ticket, customer, other_customer
):
    first = make_ticket(customer, team=teams["desk"], subject="Checkout fails with 502")
    second = make_ticket(other_customer, team=teams["desk"], subject="Cannot pay my order")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    sign_in(context, live_server, people["cmd"])
    page = context.new_page()
    page.set_default_timeout(10_000)

    page.goto(f"{live_server.url}/desk/tickets/{first.pk}/")
    page.get_by_role("link", name="Declare a major incident").click()
    expect(page.get_by_label("Title")).to_have_value("Checkout fails with 502")
    page.get_by_label("Summary for responders").fill("Payments fail since 10:02; db01 suspect.")
    page.get_by_label("Public summary").fill("Some payments fail; we are on it.")
    page.get_by_label("Application Support").check()
    findings = look(page, "major-declare")
    page.get_by_role("button", name="Declare and page").click()
    expect(page.locator("h1")).to_contain_text("Checkout fails with 502")
    incident = MajorIncident.objects.get()
    expect(page.locator(".major-parties tbody tr")).to_have_count(2)
    expect(page.locator(".major-clock")).to_contain_text("Next customer update due in")

    page.goto(f"{live_server.url}/desk/")
    page.locator(f"#select-{second.pk}").check()
    page.get_by_role("button", name="Link selected to a major incident").click()
    expect(page.locator("body")).to_contain_text(f"Linked to {incident.reference}")
    expect(page.locator("#tickets-heading")).to_have_text("Linked tickets (2)")

    page.get_by_label("Public update").fill("We found the cause and are rolling back.")
    page.get_by_role("button", name="Post update").click()
    expect(page.locator("body")).to_contain_text("Update posted to every linked ticket.")
    replies = Notification.objects.filter(kind="reply")
    assert sorted(replies.values_list("address", flat=True)) == [
        "alice@example.com",
        "bob@example.com",
    ]

    expect(page.locator("tr.party-acknowledged")).to_have_count(0)
    incident.acknowledge(people["ana"])  # over the API or her mail's link, elsewhere
    expect(page.locator("tr.party-acknowledged")).to_have_count(1, timeout=12_000)  # polled

    lee = browser.new_context(viewport={"width": 375, "height": 900})
    sign_in(lee, live_server, people["lee"])
    lee_page = lee.new_page()
    lee_page.goto(f"{live_server.url}/desk/major/{incident.pk}/")
    lee_page.get_by_role("button", name="Acknowledge").click()
    expect(lee_page.locator("body")).to_contain_text("Acknowledged: your pages have stopped.")
    lee.close()
    expect(page.locator("tr.party-acknowledged")).to_have_count(2, timeout=12_000)
    expect(page.locator(".major-board")).to_contain_text("2 of 2 parties acknowledged")

    pause = page.get_by_role("button", name="Pause live updates")
    pause.click()  # WCAG 2.2.2: the live board can be paused
    expect(page.get_by_role("button", name="Resume live updates")).to_have_attribute(
        "aria-pressed", "true"
    )
    findings += look(page, "major-incident-board")
    context.close()
    assert not findings, findings
