"""API fixtures: one person per role of the permission matrix and a ticket in a team queue."""

import pytest

from incidents.models import Membership


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
