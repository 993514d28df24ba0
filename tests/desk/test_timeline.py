"""The side panel's escalation timeline: what fired (late or not, who was told) and what comes."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.escalation.sla_setup import HOUR, escalation_policy, run_engine, sla_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy(teams, lead):
    sla_policy(None, response=HOUR, resolution=8 * HOUR)
    return escalation_policy(
        [
            {"anchor": "response_due", "offset_seconds": -900, "notify": ["team_leads"]},
            {"anchor": "response_due", "offset_seconds": 0, "reassign_to": teams["apps"]},
        ]
    )


def test_past_and_upcoming_firings(client_for, agent, customer, teams, make_ticket, policy):
    now = timezone.now()
    ticket = make_ticket(customer, team=teams["desk"], at=now - timedelta(minutes=50))
    run_engine(now)
    response = client_for(agent).get(reverse("desk:ticket", args=[ticket.pk]))
    past, upcoming = response.context["past_steps"], response.context["upcoming_steps"]
    assert [(s.title, s.when, s.notified) for s in past] == [
        ("Level 1 warning, 15m before the first-response deadline", "late", ["tier1-lead"])
    ]
    titles = [s.title for s in upcoming]
    assert titles == [
        "Level 2, at the first-response deadline",
        "First-response SLA breached",
        "Resolution SLA breached",
    ]
    assert upcoming[0].changes == ["Moves to Application Support (tier 2)"]
    assert upcoming[1].notified == ["tier1-lead"]
    html = response.content.decode()
    assert "Fired late" in html and "Will tell: tier1-lead" in html


def test_queue_and_workspace_show_the_response_badge(
    client_for, agent, customer, teams, make_ticket, policy
):
    ticket = make_ticket(customer, team=teams["desk"], at=timezone.now() - timedelta(minutes=50))
    response = client_for(agent).get(reverse("desk:ticket", args=[ticket.pk]))
    assert response.context["response_badge"].tone == "orange"
    assert response.context["response_badge"].label in ("Due in 9m", "Due in 10m")
