"""Issue 9: a breach stays a breach, pauses lose no second, and a calendar that never opens
cannot break a ticket."""

from datetime import timedelta

import pytest

from escalation.models import BusinessCalendar, TicketClock
from incidents.models import TicketEvent
from notifications.models import Notification
from tests.mails import rendered

from .sla_setup import HOUR, berlin, office_calendar, run_engine, sla_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def four_hours(teams):
    """Mon–Fri 09–17 in Berlin; resolution in 4 business hours."""
    sla_policy(office_calendar(), response=HOUR, resolution=4 * HOUR)


def test_a_pause_that_starts_after_the_deadline_does_not_move_it(
    four_hours, make_ticket, customer, agent, teams
):
    ticket = make_ticket(customer, team=teams["desk"], at=berlin(2025, 6, 2, 9, 0))  # a Monday
    assert ticket.resolution_due_at == berlin(2025, 6, 2, 13, 0)
    assert run_engine(berlin(2025, 6, 2, 13, 0)) >= 1  # the resolution breach is recorded

    ticket.change_status(agent, "pending", at=berlin(2025, 6, 2, 15, 0))
    ticket.change_status(agent, "open", at=berlin(2025, 6, 3, 15, 0))
    ticket.refresh_from_db()

    assert ticket.resolution_due_at == berlin(2025, 6, 2, 13, 0)
    assert ticket.breached
    breach = TicketEvent.objects.get(ticket=ticket, kind="breached", data__clock="resolution")
    assert breach.at == berlin(2025, 6, 2, 13, 0)


def test_a_pause_that_starts_before_the_deadline_still_extends_it(
    four_hours, make_ticket, customer, agent, teams
):
    ticket = make_ticket(customer, team=teams["desk"], at=berlin(2025, 6, 2, 9, 0))
    ticket.change_status(agent, "pending", at=berlin(2025, 6, 2, 12, 0))
    ticket.change_status(agent, "open", at=berlin(2025, 6, 2, 14, 0))
    ticket.refresh_from_db()

    assert ticket.resolution_due_at == berlin(2025, 6, 2, 15, 0)


def test_a_resolved_ticket_reopened_after_its_deadline_stays_breached(
    four_hours, make_ticket, customer, agent, teams
):
    ticket = make_ticket(customer, team=teams["desk"], at=berlin(2025, 6, 2, 9, 0))
    ticket.resolve(agent, at=berlin(2025, 6, 2, 14, 0))
    ticket.reopen(customer, at=berlin(2025, 6, 4, 9, 0))
    ticket.refresh_from_db()

    assert ticket.resolution_due_at == berlin(2025, 6, 2, 13, 0)


def test_fifty_fractional_pauses_lose_no_second(four_hours, make_ticket, customer, agent, teams):
    start = berlin(2025, 6, 2, 9, 0)
    ticket = make_ticket(customer, team=teams["desk"], at=start)
    moment, paused = start, timedelta(0)
    for n in range(50):
        length = timedelta(seconds=1, microseconds=300_000 + n)  # 1.3 s and a little more
        ticket.change_status(agent, "pending", at=moment + timedelta(seconds=1))
        ticket.change_status(agent, "open", at=moment + timedelta(seconds=1) + length)
        moment += timedelta(seconds=1) + length
        paused += length
    ticket.refresh_from_db()

    clock = TicketClock.objects.get(ticket=ticket)
    assert clock.paused_microseconds == paused // timedelta(microseconds=1)
    whole = int(paused.total_seconds())  # 66 s; truncating each pause would have lost 15
    assert ticket.resolution_due_at == berlin(2025, 6, 2, 13, 0) + timedelta(seconds=whole)


def test_a_calendar_that_never_opens_leaves_tickets_saving_and_tells_supervisors_once(
    make_ticket, customer, supervisor, teams
):
    calendar = office_calendar()
    sla_policy(calendar, response=HOUR, resolution=4 * HOUR)
    # Changed after it was configured, bypassing validation: every hour removed.
    calendar.hours.all().delete()

    first = make_ticket(customer, team=teams["desk"], at=berlin(2025, 6, 2, 9, 0))
    second = make_ticket(customer, team=teams["desk"], at=berlin(2025, 6, 2, 10, 0))

    for ticket in (first, second):
        ticket.refresh_from_db()
        assert (ticket.response_due_at, ticket.resolution_due_at) == (None, None)
        assert TicketClock.objects.get(ticket=ticket).problem == "no business hours in the calendar"
    told = Notification.objects.filter(recipient=supervisor, kind="sla_warning")
    assert told.count() == 1
    assert "has no business hours" in rendered(told.get()).body
    assert run_engine(berlin(2025, 6, 3, 9, 0)) == 0  # the queue stays alive


def test_the_api_refuses_a_calendar_without_opening_hours(api, supervisor):
    response = api(supervisor).post(
        "/api/calendars/", {"name": "Closed", "timezone": "UTC", "hours": []}, format="json"
    )

    assert response.status_code == 400
    assert "at least one opening interval" in response.json()["hours"][0]
    assert not BusinessCalendar.objects.exists()


def test_the_api_refuses_a_calendar_whose_holidays_cover_every_opening(api, supervisor):
    calendar = {
        "name": "One day",
        "timezone": "UTC",
        "hours": [{"weekday": 0, "start": "09:00", "end": "17:00"}],
    }
    client = api(supervisor)
    calendar_id = client.post("/api/calendars/", calendar, format="json").json()["id"]
    mondays = [{"date": "2099-01-05"}]  # not every Monday: still opens

    ok = client.patch(f"/api/calendars/{calendar_id}/", {"holidays": mondays}, format="json")
    closed = client.patch(f"/api/calendars/{calendar_id}/", {"hours": []}, format="json")

    assert ok.status_code == 200
    assert closed.status_code == 400


def test_the_admin_refuses_a_calendar_without_opening_hours(client, supervisor):
    client.force_login(supervisor)
    data = {
        "name": "Closed",
        "timezone": "UTC",
        "hours-TOTAL_FORMS": 0,
        "hours-INITIAL_FORMS": 0,
        "holidays-TOTAL_FORMS": 0,
        "holidays-INITIAL_FORMS": 0,
    }
    response = client.post("/admin/escalation/businesscalendar/add/", data)

    assert response.status_code == 200
    assert "at least one opening interval" in response.content.decode()
    assert not BusinessCalendar.objects.exists()
