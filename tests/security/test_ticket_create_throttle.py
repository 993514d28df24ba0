"""Issue 21, finding 2: fifteen creates sent fifteen receipts to one inbox in seconds.

Ticket creation is throttled per user at TICKET_CREATE_RATE, the API and the portal counting
together; agents, who open tickets for callers, are not counted."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from incidents.models import Ticket

TICKET = {"subject": "Printer", "description": "Jammed again.", "impact": "low", "urgency": "low"}


@pytest.fixture(autouse=True)
def rate(settings):
    settings.TICKET_CREATE_RATE = "3/hour"
    cache.clear()
    yield
    cache.clear()


def test_a_customer_cannot_mail_bomb_through_the_api(api, customer, teams):
    client = api(customer)
    codes = [client.post("/api/tickets/", TICKET, format="json").status_code for _ in range(5)]
    assert codes == [201, 201, 201, 429, 429]
    assert Ticket.objects.count() == 3
    assert client.get("/api/tickets/").status_code == 200  # reading is not creating


def test_the_portal_and_the_api_share_the_count(api, customer, teams):
    portal = Client()
    portal.force_login(customer)
    for _ in range(2):
        assert portal.post(reverse("portal:new"), TICKET).status_code == 302
    assert api(customer).post("/api/tickets/", TICKET, format="json").status_code == 201
    response = portal.post(reverse("portal:new"), TICKET)
    assert response.status_code == 429
    assert b"Too many attempts" in response.content
    assert Ticket.objects.count() == 3


def test_each_customer_has_their_own_count(api, customer, other_customer, teams):
    for _ in range(3):
        api(customer).post("/api/tickets/", TICKET, format="json")
    assert api(other_customer).post("/api/tickets/", TICKET, format="json").status_code == 201


def test_agents_are_not_counted(api, agent, teams):
    client = api(agent)
    codes = {client.post("/api/tickets/", TICKET, format="json").status_code for _ in range(5)}
    assert codes == {201}
