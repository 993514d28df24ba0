"""/healthz: the database, the broker, escalations and the outbox, each able to turn it 503."""

import socket
from datetime import timedelta
from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.utils import timezone

from escalation.models import Firing
from helpdesk import health
from notifications.models import Notification
from tests.escalation.sla_setup import HOUR, escalation_policy, sla_policy

pytestmark = pytest.mark.django_db


def closed_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # nothing listens once the socket is closed


def test_healthy_with_nothing_waiting(client, assert_statements):
    with assert_statements(7, at_most=True):  # the cache's read too
        response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["database"]["ok"] is True and body["database"]["latency_ms"] >= 0
    assert body["cache"]["ok"] is True and body["cache"]["latency_ms"] >= 0
    assert body["broker"] == {"ok": True, "kind": "database", "queued": 0}
    assert body["escalations"] == {"ok": True, "due": 0, "oldest_due_seconds": 0.0}
    assert body["outbox"]["pending"] == 0 and body["outbox"]["oldest_pending_seconds"] == 0.0
    assert response["Cache-Control"].startswith("max-age=0")


def test_503_when_a_due_escalation_waits_past_the_limit(
    client, make_ticket, customer, teams, settings
):
    settings.HEALTH_ESCALATION_LAG_SECONDS = 120
    sla_policy(None, response=HOUR, resolution=4 * HOUR)
    escalation_policy([{"anchor": "created", "offset_seconds": 60, "notify": ["team"]}])
    ticket = make_ticket(customer, team=teams["desk"], at=timezone.now() - timedelta(seconds=90))
    assert client.get("/healthz").status_code == 200  # due 30 s ago: a worker has time
    Firing.objects.filter(ticket=ticket, kind="level").update(
        due_at=timezone.now() - timedelta(minutes=5)
    )
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["ok"] is False
    escalations = response.json()["escalations"]
    assert escalations["ok"] is False and escalations["due"] == 1
    assert escalations["oldest_due_seconds"] >= 300
    assert response.json()["database"]["ok"] is True  # only the part at fault says so


def test_503_when_the_outbox_holds_a_notification_past_the_limit(client, customer, settings):
    settings.HEALTH_OUTBOX_AGE_SECONDS = 900
    row = Notification.objects.create(
        recipient=customer,
        address=customer.email,
        kind=Notification.Kind.RECEIVED,
        idempotency_key="health-test-1",
        created_at=timezone.now() - timedelta(minutes=5),
        attempts=2,
        next_attempt_at=timezone.now() + timedelta(minutes=4),
    )
    body = client.get("/healthz").json()
    assert body["ok"] is True  # retrying for 5 minutes: within the limit
    assert body["outbox"]["pending"] == 1 and body["outbox"]["retrying"] == 1
    Notification.objects.filter(pk=row.pk).update(created_at=timezone.now() - timedelta(hours=1))
    response = client.get("/healthz")
    assert response.status_code == 503
    outbox = response.json()["outbox"]
    assert outbox["ok"] is False and outbox["oldest_pending_seconds"] >= 3600


def test_503_when_redis_does_not_answer(client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port()}/9"
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["broker"] == {"ok": False, "error": "ConnectionError"}
    assert body["database"]["ok"] is True and body["escalations"]["ok"] is True
    assert "127.0.0.1" not in response.content.decode()  # no address, no secret


def test_503_when_the_broker_queue_is_longer_than_the_limit(client, settings):
    from django_q.models import OrmQ

    settings.HEALTH_BROKER_QUEUE_MAX = 1
    for n in range(2):
        OrmQ.objects.create(key="tierdesk", payload=f"task {n}", lock=timezone.now())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == {"ok": False, "kind": "database", "queued": 2}


def test_503_when_the_database_does_not_answer(client):
    with mock.patch.object(health.connection, "cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == {"ok": False, "error": "OperationalError"}
    assert body["escalations"] == {"ok": False, "error": "database unreachable"}


def test_503_when_the_cache_does_not_answer(client, api, customer):
    """The throttles count in the cache and refuse what they cannot count: the API is down
    while the database answers, and the probe says which part is at fault."""
    cache, customers = health.caches["default"], api(customer)
    customers.raise_request_exception = False  # answered as a server would
    with mock.patch.object(type(cache), "get_many", side_effect=OperationalError("no file")):
        response = client.get("/healthz")
        refused = customers.get("/api/tickets/")
    assert response.status_code == 503
    body = response.json()
    assert body["cache"] == {"ok": False, "error": "OperationalError"}
    assert body["database"]["ok"] is True and body["outbox"]["ok"] is True
    assert refused.status_code == 503


def test_503_when_the_database_answers_too_slowly(client, settings):
    settings.HEALTH_DATABASE_LATENCY_MS = -1  # any round trip is over it
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"]["ok"] is False
