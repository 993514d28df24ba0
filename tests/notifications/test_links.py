"""Links in mails lead to pages that exist: the portal for customers, the desk for agents."""

from urllib.parse import urlsplit

from notifications import rendering


def path_of(url):
    return urlsplit(url).path


def test_customer_links_open_the_ticket_on_the_portal(client, make_ticket, customer, teams):
    ticket = make_ticket(customer, team=teams["desk"])
    client.force_login(customer)

    assert path_of(rendering.portal_url(ticket)) == f"/portal/tickets/{ticket.pk}/"
    assert client.get(path_of(rendering.portal_url(ticket))).status_code == 200
    assert client.get(path_of(rendering.rating_url(ticket))).status_code == 200


def test_agent_links_open_the_ticket_on_the_desk(client, make_ticket, customer, agent, teams):
    ticket = make_ticket(customer, team=teams["desk"])
    client.force_login(agent)

    assert path_of(rendering.desk_url(ticket)) == f"/desk/tickets/{ticket.pk}/"
    assert client.get(path_of(rendering.desk_url(ticket))).status_code == 200


def test_another_customer_following_the_link_gets_404(
    client, make_ticket, customer, other_customer, teams
):
    ticket = make_ticket(customer, team=teams["desk"])
    client.force_login(other_customer)

    assert client.get(path_of(rendering.portal_url(ticket))).status_code == 404
