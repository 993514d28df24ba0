"""/healthz tells a load balancer whether the database answers and escalations keep up."""

from datetime import timedelta
from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.utils import timezone

from escalation.models import Firing
from tests.escalation.sla_setup import HOUR, escalation_policy, sla_policy

pytestmark = pytest.mark.django_db


def test_healthy_with_nothing_due(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["ok"] is True and response.json()["escalations_due"] == 0


def test_503_when_a_due_escalation_waits_longer_than_two_minutes(
    client, make_ticket, customer, teams
):
    sla_policy(None, response=HOUR, resolution=4 * HOUR)
    escalation_policy([{"anchor": "created", "offset_seconds": 60, "notify": ["team"]}])
    ticket = make_ticket(customer, team=teams["desk"], at=timezone.now() - timedelta(seconds=90))
    assert client.get("/healthz").status_code == 200  # due 30 s ago: a worker has time
    Firing.objects.filter(ticket=ticket, kind="level").update(
        due_at=timezone.now() - timedelta(minutes=5)
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["escalations_due"] == 1
    assert response.json()["oldest_due_seconds"] >= 300


def test_503_when_the_database_does_not_answer(client):
    with mock.patch("helpdesk.health.report", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503 and response.json() == {"database": False, "ok": False}
