"""The rules of a change (SPEC "Moves keep the ladder honest"), as Ticket.update and its
siblings apply them for the desk, the API and the admin alike."""

import pytest

from incidents.models import Membership, Team
from incidents.models.lifecycle import TransitionError


@pytest.fixture
def network(teams):
    """A second tier-2 team, across from Application Support."""
    return Team.objects.create(name="Network", slug="network", tier=2)


@pytest.fixture
def network_agent(make_user, network):
    user = make_user("net-agent", role="agent")
    Membership.objects.create(user=user, team=network)
    return user


def test_an_assignee_is_a_member_of_the_tickets_team(desk_ticket, agent, tier2_agent):
    with pytest.raises(TransitionError, match="tier2-agent is not a member of Service Desk") as e:
        desk_ticket.update(agent, assignee=tier2_agent)
    assert e.value.field == "assignee"
    desk_ticket.update(agent, assignee=agent)
    desk_ticket.refresh_from_db()
    assert desk_ticket.assignee == agent


def test_an_inactive_member_cannot_be_assigned(desk_ticket, agent, lead):
    lead.is_active = False
    lead.save()
    with pytest.raises(TransitionError, match="not active"):
        desk_ticket.assign(agent, lead)


def test_a_priority_override_needs_a_reason(desk_ticket, agent):
    for reason in ("", "  "):
        with pytest.raises(TransitionError, match="reason") as e:
            desk_ticket.update(agent, priority="P1", reason=reason)
        assert e.value.field == "reason"
    desk_ticket.set_priority(None, "P2", override=False)  # the engine's raise needs none
    desk_ticket.update(agent, priority="P1", reason=" VIP ")
    first, second = desk_ticket.events.filter(kind="priority_changed").order_by("id")
    assert (first.data, second.data) == ({"override": False}, {"override": True, "reason": "VIP"})


def test_escalation_never_goes_down(make_ticket, customer, teams, tier2_agent):
    ticket = make_ticket(customer, team=teams["apps"])
    with pytest.raises(TransitionError, match="never down") as e:
        ticket.escalate(tier2_agent, "Back to you", team=teams["desk"])
    assert e.value.field == "team"


def test_escalation_across_to_a_team_of_the_same_tier(
    make_ticket, customer, teams, network, tier2_agent
):
    ticket = make_ticket(customer, team=teams["apps"])
    ticket.escalate(tier2_agent, "A routing problem", team=network)
    ticket.refresh_from_db()
    assert (ticket.team, ticket.escalation_level) == (network, 1)
    event = ticket.events.get(kind="escalated")
    assert event.after == {"team": network.pk, "escalation_level": 1}
    assert "assignee" not in event.data


def test_escalation_to_a_named_member_of_the_target_team(
    desk_ticket, agent, teams, tier2_agent, network, network_agent
):
    with pytest.raises(TransitionError, match="not a member of Application Support") as e:
        desk_ticket.escalate(agent, "Needs Nina", team=teams["apps"], assignee=network_agent)
    assert e.value.field == "assignee"
    desk_ticket.escalate(agent, "Needs Tom", team=teams["apps"], assignee=tier2_agent)
    desk_ticket.refresh_from_db()
    assert (desk_ticket.team, desk_ticket.assignee) == (teams["apps"], tier2_agent)
    event = desk_ticket.events.get(kind="escalated")
    assert event.data["assignee"] == tier2_agent.pk and event.data["reason"] == "Needs Tom"


def test_a_person_with_no_team_is_escalated_to_within_the_team(desk_ticket, agent, lead, teams):
    desk_ticket.assign(agent, agent)
    desk_ticket.escalate(agent, "The lead knows this customer", assignee=lead)
    desk_ticket.refresh_from_db()
    assert (desk_ticket.team, desk_ticket.assignee) == (teams["desk"], lead)
    assert desk_ticket.escalation_level == 1
    assert not desk_ticket.events.filter(kind="team_changed").exists()
    with pytest.raises(TransitionError, match="already") as e:
        desk_ticket.escalate(lead, "Again", assignee=lead)
    assert e.value.field == "assignee"


def test_escalating_to_the_own_team_needs_a_person(desk_ticket, agent, teams):
    with pytest.raises(TransitionError, match="another team or a person"):
        desk_ticket.escalate(agent, "Hm", team=teams["desk"])


def test_an_agent_moving_a_ticket_escalates_it_under_its_rules(desk_ticket, agent, teams):
    with pytest.raises(TransitionError, match="reason") as e:
        desk_ticket.update(agent, team=teams["apps"])
    assert e.value.field == "reason"
    desk_ticket.update(agent, team=teams["apps"], reason="Needs tier 2")
    desk_ticket.refresh_from_db()
    assert (desk_ticket.team, desk_ticket.escalation_level) == (teams["apps"], 1)
    assert desk_ticket.events.get(kind="escalated").data["reason"] == "Needs tier 2"


def test_a_supervisor_moves_a_ticket_anywhere_with_or_without_a_reason(
    make_ticket, customer, teams, supervisor
):
    ticket = make_ticket(customer, team=teams["eng"])
    ticket.update(supervisor, team=teams["desk"])
    ticket.update(supervisor, team=teams["apps"], reason="Tier 2 owns billing")
    ticket.refresh_from_db()
    assert (ticket.team, ticket.escalation_level) == (teams["apps"], 0)
    moves = ticket.events.filter(kind="team_changed").order_by("id")
    assert [(m.before["team"], m.after["team"]) for m in moves] == [
        (teams["eng"].pk, teams["desk"].pk),
        (teams["desk"].pk, teams["apps"].pk),
    ]
    assert "reason" not in moves[0].data
    assert moves[1].data["reason"] == "Tier 2 owns billing"
    assert not ticket.events.filter(kind="escalated").exists()
