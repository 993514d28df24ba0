"""Ticket.objects.visible_to: a ticket escalated away stays readable to the team that had it."""

import pytest

from incidents.models import Ticket

pytestmark = pytest.mark.django_db


def test_tier1_still_sees_a_ticket_it_escalated(agent, tier2_agent, desk_ticket, teams):
    desk_ticket.escalate(agent, "Needs app support")
    assert desk_ticket.team == teams["apps"]
    assert desk_ticket in Ticket.objects.visible_to(agent)
    assert desk_ticket in Ticket.objects.visible_to(tier2_agent)


def test_an_agent_does_not_see_a_ticket_that_never_passed_their_team(
    agent, tier2_agent, customer, teams, make_ticket
):
    ticket = make_ticket(customer, team=teams["apps"])
    ticket.escalate(tier2_agent, "Engineering, please")
    assert ticket not in Ticket.objects.visible_to(agent)
    assert ticket in Ticket.objects.visible_to(tier2_agent)


def test_moved_away_tickets_appear_once_without_distinct(agent, supervisor, desk_ticket, teams):
    desk_ticket.move_to_team(supervisor, teams["apps"])
    desk_ticket.move_to_team(supervisor, teams["desk"])
    desk_ticket.move_to_team(supervisor, teams["apps"])
    visible = Ticket.objects.visible_to(agent)
    assert list(visible.values_list("pk", flat=True)) == [desk_ticket.pk]
    assert "DISTINCT" not in str(visible.query).upper()


def test_customers_still_see_only_their_own(customer, other_customer, agent, desk_ticket):
    desk_ticket.escalate(agent, "Needs app support")
    assert desk_ticket in Ticket.objects.visible_to(customer)
    assert desk_ticket not in Ticket.objects.visible_to(other_customer)
