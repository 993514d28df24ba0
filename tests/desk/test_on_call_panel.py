"""The workspace's "Who answers" panel: who is on call now and next, and why the ticket was
assigned automatically."""

from datetime import timedelta

from django.utils import timezone

from incidents.models import Membership
from tests.escalation.oncall.builders import rotation


def test_the_panel_names_who_is_on_call_now_and_next(client, make_user, teams, agent, desk_ticket):
    ben = make_user("ben", role="agent")
    Membership.objects.create(user=ben, team=teams["desk"], role="agent")
    rotation(teams["desk"], [agent, ben], timezone.now().date() - timedelta(days=10))
    client.force_login(agent)
    page = client.get(f"/desk/tickets/{desk_ticket.pk}/").content.decode()
    assert "Who answers" in page
    assert "On call (primary)" in page and "; next " in page
    assert "tier1-agent" in page.split("Who answers")[1] and "ben" in page.split("Who answers")[1]


def test_no_rotation_no_panel(client, agent, desk_ticket):
    client.force_login(agent)
    assert "Who answers" not in client.get(f"/desk/tickets/{desk_ticket.pk}/").content.decode()


def test_an_automatic_assignment_says_why(client, make_ticket, customer, teams, agent):
    teams["desk"].auto_assign = "round_robin"
    teams["desk"].save()
    ticket = make_ticket(customer, team=teams["desk"])
    assert ticket.assignee == agent
    client.force_login(agent)
    page = client.get(f"/desk/tickets/{ticket.pk}/").content.decode()
    assert "Assigned automatically: round robin: next in turn of 1 not away." in page
