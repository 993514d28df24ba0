"""The agents report: tickets handled, first responses, their median time, reopen rate."""

import pytest

from escalation.reports.agents import agents_report

from .conftest import period
from .dataset import at

pytestmark = pytest.mark.django_db


def test_per_agent_figures(dataset):
    (row,) = agents_report(period("2026-03-01", "2026-03-31"))
    # The dataset's one agent worked 34 tickets in March (not B4 or E10, never touched; not
    # F2, F3 or the drill), acknowledging and resolving each; B2 twice, reopened once.
    assert (row["agent_name"], row["handled"], row["first_responses"]) == ("tier1-agent", 34, 34)
    # 17th of the 34 acknowledgement times, business and wall alike there (A5 and E3: 3600).
    assert row["first_response_median_seconds"] == row["first_response_median_wall_seconds"]
    assert row["first_response_median_seconds"] == 3600
    assert (row["resolved"], row["reopened"], row["reopen_rate"]) == (34, 1, 0.029)


def test_a_lead_sees_the_work_on_their_teams_tickets(dataset, teams):
    (row,) = agents_report(period("2026-03-01", "2026-03-31", readable={teams["eng"].pk}))
    assert (row["handled"], row["first_responses"], row["resolved"]) == (1, 1, 1)


def test_requesters_replies_and_reopens_are_not_an_agents_work(dataset, customer):
    """A customer who replied to and reopened their ticket in the period is not an agent: they
    get no row, and the agent's figures do not move."""
    before = agents_report(period("2026-03-01", "2026-03-31"))
    ticket = dataset["A1"]  # resolved on 3 March at 12:00
    ticket.refresh_from_db()
    ticket.add_reply(customer, "It is back again.", at=at(3, 3, 13))  # reopens it
    ticket.refresh_from_db()
    assert ticket.status == "open"
    assert ticket.events.filter(actor=customer, kind__in=["replied", "status_changed"]).count() == 2
    after = agents_report(period("2026-03-01", "2026-03-31"))
    assert [row["agent_name"] for row in after] == ["tier1-agent"]
    assert after[0]["handled"] == before[0]["handled"]
