"""API fixtures: authenticated clients per role and a ticket for each requester."""

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from incidents.models import Membership


@pytest.fixture(autouse=True)
def fresh_throttles():
    """Throttle counters live in the cache; each test starts with a clean allowance."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def api():
    """A client for a user: `api(user)` authenticates with a token, `api()` is anonymous."""

    def make(user=None):
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def people(customer, other_customer, agent, tier2_agent, supervisor, make_user, teams):
    """One person per column of the permission matrix; the ticket's team is the Service Desk."""
    lead = make_user("tier1-lead", role="agent")
    Membership.objects.create(user=lead, team=teams["desk"], role="lead")
    return {
        "customer_a": customer,
        "customer_b": other_customer,
        "other_agent": tier2_agent,
        "team_agent": agent,
        "lead": lead,
        "supervisor": supervisor,
    }


@pytest.fixture
def desk_ticket(make_ticket, customer, teams):
    """Alice's ticket, in the Service Desk queue."""
    return make_ticket(customer, team=teams["desk"])
