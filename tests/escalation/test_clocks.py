"""SLA clocks follow the ticket: reopen resumes, team and priority changes re-select targets."""

import pytest

from escalation.models import SLAPolicy, SLATarget, TicketClock

from .sla_setup import HOUR, berlin, office_calendar, sla_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(teams):
    calendar = office_calendar()
    sla_policy(calendar, response=4 * HOUR, resolution=16 * HOUR)
    return calendar


def test_a_reopened_ticket_resumes_its_clock_instead_of_restarting_it(
    office, make_ticket, customer, agent, teams
):
    ticket = make_ticket(customer, team=teams["desk"], at=berlin(2025, 6, 2, 9, 0))
    ticket.resolve(agent, at=berlin(2025, 6, 2, 12, 0))
    ticket.reopen(customer, at=berlin(2025, 6, 3, 12, 0))  # a business day later
    ticket.refresh_from_db()
    # 16 business hours from Monday 09:00, plus the 8 the ticket spent resolved: Wed 17:00.
    assert ticket.resolution_due_at == berlin(2025, 6, 4, 17, 0)
    assert TicketClock.objects.get(ticket=ticket).paused_microseconds == 8 * HOUR * 10**6


def test_a_team_change_reselects_the_targets_measured_from_creation(
    office, make_ticket, customer, agent, teams
):
    fast = SLAPolicy.objects.create(name="Engineering", calendar=office)
    fast.teams.add(teams["eng"])
    SLATarget.objects.create(
        policy=fast, priority="P3", first_response_seconds=HOUR, resolution_seconds=2 * HOUR
    )
    ticket = make_ticket(customer, team=teams["desk"], at=berlin(2025, 6, 2, 9, 0))
    assert ticket.response_due_at == berlin(2025, 6, 2, 13, 0)
    ticket.move_to_team(agent, teams["eng"], reason="A code bug", at=berlin(2025, 6, 2, 9, 30))
    ticket.refresh_from_db()
    assert ticket.response_due_at == berlin(2025, 6, 2, 10, 0)
    assert ticket.resolution_due_at == berlin(2025, 6, 2, 11, 0)
    assert TicketClock.objects.get(ticket=ticket).sla_policy_name == "Engineering"


def test_the_priority_matrix_sets_the_priority_and_an_override_survives(
    office, make_ticket, customer, agent, teams
):
    from incidents.models import PriorityMatrixEntry

    PriorityMatrixEntry.objects.create(impact="low", urgency="low", priority="P2")
    ticket = make_ticket(
        customer, team=teams["desk"], impact="low", urgency="low", at=berlin(2025, 6, 2, 9, 0)
    )
    ticket.refresh_from_db()
    assert ticket.priority == "P2"
    assert ticket.events.get(kind="created").after["priority"] == "P2"
    ticket.set_priority(agent, "P4", at=berlin(2025, 6, 2, 9, 5), reason="Cosmetic")
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.priority_overridden) == ("P4", True)


def test_no_sla_policy_means_no_due_times(make_ticket, customer, teams):
    ticket = make_ticket(customer, team=teams["desk"], at=berlin(2025, 6, 2, 9, 0))
    assert ticket.response_due_at is None and ticket.resolution_due_at is None
    assert not ticket.firings.exists()
