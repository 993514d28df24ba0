"""GET/POST /portal/tickets/<id>/rate/: once per resolution, linked from the resolved email."""

from django.urls import reverse


def url(ticket):
    return reverse("portal:rate", args=[ticket.pk])


def test_anonymous_is_sent_to_sign_in_and_back(client, desk_ticket):
    location = client.get(url(desk_ticket))["Location"]
    assert location.startswith(reverse("login")) and "next=" in location


def test_another_customer_gets_a_404(signed_in, other_customer, agent, desk_ticket):
    desk_ticket.resolve(agent)
    response = signed_in(other_customer).post(url(desk_ticket), {"rating": 5})
    assert response.status_code == 404
    desk_ticket.refresh_from_db()
    assert desk_ticket.rating is None


def test_not_before_resolution(signed_in, customer, desk_ticket):
    response = signed_in(customer).post(url(desk_ticket), {"rating": 5})
    assert "once it" in response.content.decode()
    desk_ticket.refresh_from_db()
    assert desk_ticket.rating is None


def test_rate_with_a_comment(signed_in, customer, agent, desk_ticket):
    desk_ticket.resolve(agent)
    client = signed_in(customer)
    assert "Very good" in client.get(url(desk_ticket)).content.decode()

    response = client.post(url(desk_ticket), {"rating": 2, "comment": "Slow"})

    assert response.status_code == 302
    desk_ticket.refresh_from_db()
    assert (desk_ticket.rating, desk_ticket.rating_comment) == (2, "Slow")


def test_only_once_per_resolution(signed_in, customer, agent, desk_ticket):
    desk_ticket.resolve(agent)
    client = signed_in(customer)
    client.post(url(desk_ticket), {"rating": 5})

    response = client.post(url(desk_ticket), {"rating": 1})

    assert "already rated" in response.content.decode()
    desk_ticket.refresh_from_db()
    assert desk_ticket.rating == 5

    desk_ticket.reopen(customer)
    desk_ticket.resolve(agent)
    client.post(url(desk_ticket), {"rating": 3})
    desk_ticket.refresh_from_db()
    assert desk_ticket.rating == 3


def test_a_rating_is_required(signed_in, customer, agent, desk_ticket):
    desk_ticket.resolve(agent)
    response = signed_in(customer).post(url(desk_ticket), {"comment": "?"})
    assert "Please choose a rating." in response.content.decode()
