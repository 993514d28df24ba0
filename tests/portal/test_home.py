"""GET /: customers land on their tickets, agents on the desk, visitors on the front page."""

from django.urls import reverse


def test_a_customer_goes_to_the_portal(signed_in, customer):
    assert signed_in(customer).get("/")["Location"] == reverse("portal:home")


def test_an_agent_goes_to_the_desk(signed_in, agent):
    assert signed_in(agent).get("/")["Location"] == reverse("desk:home")


def test_a_visitor_sees_the_front_page(client, db):
    response = client.get("/")
    assert response.status_code == 200 and "Sign in" in response.content.decode()
