"""The sweep task fires what no broker handed out, including claims a dead worker left."""

from datetime import timedelta

import pytest
from django.utils import timezone

from escalation import tasks
from escalation.models import Firing

from .sla_setup import HOUR, escalation_policy, sla_policy

pytestmark = pytest.mark.django_db


def test_sweep_fires_due_and_abandoned_firings_once(make_ticket, customer, teams, lead):
    sla_policy(None, response=HOUR, resolution=4 * HOUR)
    escalation_policy([{"anchor": "created", "offset_seconds": 60, "notify": ["team_leads"]}])
    created = timezone.now() - timedelta(minutes=5)
    due, abandoned = (make_ticket(customer, team=teams["desk"], at=created) for _ in range(2))
    Firing.objects.filter(ticket=abandoned, kind="level").update(
        state="claimed", claimed_by="dead", claimed_until=timezone.now() - timedelta(seconds=1)
    )
    assert tasks.sweep() == 2
    assert tasks.sweep() == 0
    assert Firing.objects.filter(kind="level", state="fired").count() == 2
