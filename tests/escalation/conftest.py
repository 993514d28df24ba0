"""Fixtures of the escalation tests."""

from datetime import timedelta

import pytest
from django.utils import timezone

from escalation.models import Firing

from .sla_setup import HOUR, escalation_policy, sla_policy


@pytest.fixture
def due_firing(make_ticket, customer, teams):
    """A ticket's level (a mail to the team's leads) that fell due four minutes ago."""
    sla_policy(None, response=HOUR, resolution=4 * HOUR)
    escalation_policy([{"anchor": "created", "offset_seconds": 60, "notify": ["team_leads"]}])
    ticket = make_ticket(customer, team=teams["desk"], at=timezone.now() - timedelta(minutes=5))
    return Firing.objects.get(ticket=ticket, kind="level")
