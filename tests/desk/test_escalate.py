"""The workspace's escalate form: up a tier (the next by default), across to a team of the
same tier, or to a named person of either or of the ticket's own team; never down, always
with a reason. A refusal renders the workspace again with the typed reason kept."""

import pytest
from django.urls import reverse

from incidents.models import Membership, Team

from .test_actions import post, said

pytestmark = pytest.mark.django_db


@pytest.fixture
def network(teams):
    return Team.objects.create(name="Network", slug="network", tier=2)


def test_escalate_to_next_tier_or_a_chosen_team(client_for, agent, supervisor, teams, desk_ticket):
    response = post(client_for(agent), desk_ticket, "escalate", reason="")
    assert said(response) == "Give a reason for the escalation."
    post(client_for(agent), desk_ticket, "escalate", reason="Needs app knowledge")
    desk_ticket.refresh_from_db()
    assert desk_ticket.team == teams["apps"] and desk_ticket.escalation_level == 1
    client = client_for(supervisor)
    response = post(client, desk_ticket, "escalate", reason="Back", team=teams["desk"].pk)
    assert response.status_code == 400
    assert said(response).endswith("never down to tier 1.")
    post(client, desk_ticket, "escalate", reason="Code bug", team=teams["eng"].pk)
    desk_ticket.refresh_from_db()
    assert desk_ticket.team == teams["eng"] and desk_ticket.escalation_level == 2


def test_down_is_refused_with_the_reason_kept(
    client_for, tier2_agent, make_ticket, customer, teams
):
    ticket = make_ticket(customer, team=teams["apps"])
    response = post(
        client_for(tier2_agent), ticket, "escalate", reason="Wrong queue", team=teams["desk"].pk
    )
    assert response.status_code == 400
    assert "never down" in said(response)
    assert 'value="Wrong queue"' in response.content.decode()
    ticket.refresh_from_db()
    assert (ticket.team, ticket.escalation_level) == (teams["apps"], 0)


def test_across_to_a_team_of_the_same_tier(
    client_for, tier2_agent, make_ticket, customer, teams, network
):
    ticket = make_ticket(customer, team=teams["apps"])
    response = post(client_for(tier2_agent), ticket, "escalate", reason="Routing", team=network.pk)
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.team, ticket.escalation_level) == (network, 1)


def test_to_a_named_person_of_the_target_team(client_for, agent, tier2_agent, teams, desk_ticket):
    client = client_for(agent)
    data = {"reason": "Tom knows it", "team": teams["apps"].pk}
    response = post(client, desk_ticket, "escalate", assignee=agent.pk, **data)
    assert response.status_code == 400
    assert said(response) == "tier1-agent is not a member of Application Support."
    response = post(client, desk_ticket, "escalate", assignee=tier2_agent.pk, **data)
    assert response.status_code == 302
    assert said(response) == "Escalated to tier2-agent of Application Support (tier 2)."
    desk_ticket.refresh_from_db()
    assert (desk_ticket.team, desk_ticket.assignee) == (teams["apps"], tier2_agent)


def test_to_a_person_of_the_own_team(client_for, agent, lead, teams, desk_ticket):
    data = {"reason": "The lead knows", "team": teams["desk"].pk, "assignee": lead.pk}
    response = post(client_for(agent), desk_ticket, "escalate", **data)
    assert response.status_code == 302
    desk_ticket.refresh_from_db()
    assert (desk_ticket.team, desk_ticket.assignee) == (teams["desk"], lead)
    assert desk_ticket.escalation_level == 1


def test_the_form_offers_up_across_and_people_by_team(
    client_for, agent, tier2_agent, make_user, teams, network, desk_ticket
):
    Team.objects.create(name="Field desk", slug="field-desk", tier=1)
    nina = make_user("nina", role="agent")
    Membership.objects.create(user=nina, team=network)
    html = client_for(agent).get(reverse("desk:ticket", args=[desk_ticket.pk])).content.decode()
    form = html.split('id="escalate-form"')[1].split("</form>")[0]
    teams_select = form.split('name="team"')[1].split("</select>")[0]
    assert f'<option value="{teams["apps"].pk}" selected>' in teams_select  # the next tier
    for name in ("Application Support", "Engineering", "Network", "Field desk", "Service Desk"):
        assert name in teams_select
    people = form.split('name="assignee"')[1].split("</select>")[0]
    assert '<optgroup label="Network (tier 2)">' in people and "nina" in people
    assert "tier2-agent" in people and "tier1-agent" in people
    assert '<label for="escalate-team">' in form and '<label for="escalate-assignee">' in form
