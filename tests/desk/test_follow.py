"""Following a ticket: any agent who can see it, the escalating agent on their own, public
changes mailed to followers, and the queue's Following view."""

import pytest
from django.urls import reverse

from incidents.models import Follower
from notifications.models import Notification
from tests.mails import rendered

pytestmark = pytest.mark.django_db


def follow(client, ticket, stop=False):
    return client.post(reverse("desk:follow", args=[ticket.pk]), {"stop": "1"} if stop else {})


def following_view(client):
    response = client.get(reverse("desk:home"), {"view": "following"})
    return [t.pk for t, _ in response.context["rows"]]


def test_an_agent_follows_and_stops_following(
    client_for, agent, desk_ticket, make_ticket, customer
):
    client = client_for(agent)
    other = make_ticket(customer)
    assert follow(client, desk_ticket).status_code == 302
    assert Follower.objects.filter(ticket=desk_ticket, user=agent).exists()
    assert following_view(client) == [desk_ticket.pk]
    html = client.get(reverse("desk:ticket", args=[desk_ticket.pk])).content.decode()
    assert "Stop following" in html
    follow(client, desk_ticket, stop=True)
    assert following_view(client) == [] and other.pk not in following_view(client)


def test_an_agent_cannot_follow_what_they_cannot_see(client_for, tier2_agent, desk_ticket):
    assert follow(client_for(tier2_agent), desk_ticket).status_code == 404
    assert not Follower.objects.exists()


def test_customers_cannot_follow_on_the_desk(client_for, customer, desk_ticket):
    assert follow(client_for(customer), desk_ticket).status_code == 403


def test_the_escalating_agent_follows_and_hears_of_public_changes(
    client_for, agent, tier2_agent, customer, desk_ticket, teams
):
    desk_ticket.escalate(agent, "Needs the application team", team=teams["apps"])
    assert following_view(client_for(agent)) == [desk_ticket.pk]
    desk_ticket.add_reply(tier2_agent, "Looking at the logs.", internal=True)
    assert not Notification.objects.filter(kind="followed").exists()
    desk_ticket.add_reply(tier2_agent, "We found the cause.")
    told = Notification.objects.filter(kind="followed")
    assert list(told.values_list("recipient", flat=True)) == [agent.pk]
    mail = rendered(told.get())
    assert "replied on " + desk_ticket.reference in mail.body
    assert desk_ticket.reference in mail.subject and "Looking at the logs" not in mail.body
    desk_ticket.resolve(tier2_agent)
    assert told.count() == 2
    assert "changed the status to resolved" in rendered(told.order_by("-id").first()).body


def test_a_follower_is_not_told_of_their_own_change(client_for, agent, desk_ticket):
    follow(client_for(agent), desk_ticket)
    desk_ticket.add_reply(agent, "On it.")
    assert not Notification.objects.filter(kind="followed").exists()


def test_a_follower_who_can_no_longer_see_the_ticket_is_not_told(
    client_for, agent, tier2_agent, customer, desk_ticket, teams, make_user
):
    """Followed while in the ticket's team, then moved to another team: the ticket is no
    longer theirs to open (Ticket.objects.visible_to), so its changes are not mailed to them;
    an inactive follower neither. A follower still in the team is told."""
    from incidents.models import Membership

    colleague = make_user("tier1-colleague", role="agent")
    Membership.objects.create(team=teams["desk"], user=colleague)
    leaver = make_user("tier1-leaver", role="agent")
    Membership.objects.create(team=teams["desk"], user=leaver)
    gone = make_user("tier1-gone", role="agent")
    Membership.objects.create(team=teams["desk"], user=gone)
    for person in (colleague, leaver, gone):
        assert follow(client_for(person), desk_ticket).status_code == 302
    Membership.objects.filter(user=leaver).update(team=teams["apps"])
    type(gone).objects.filter(pk=gone.pk).update(is_active=False)
    desk_ticket.add_reply(agent, "We found the cause.")
    told = Notification.objects.filter(kind="followed")
    assert list(told.values_list("recipient", flat=True)) == [colleague.pk]
    assert client_for(leaver).get(reverse("desk:ticket", args=[desk_ticket.pk])).status_code == 404
