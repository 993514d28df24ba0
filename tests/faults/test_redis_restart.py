"""Redis restarted mid-run (a redis-server of the test's own, without persistence): the tasks
queued in it are lost with it, yet every level fires exactly once (the firing rows are the
truth; a claim whose task vanished expires and the deadline broker claims it again); and while
Redis is down the throttles fail closed: the API answers 503, it never lets requests through
uncounted."""

import signal
from datetime import timedelta

import pytest
import redis
from django.test import override_settings
from django.utils import timezone
from django_q.conf import Conf
from rest_framework.test import APIClient

from escalation.models import Firing
from escalation.redis_broker import RedisDeadlineBroker
from incidents.models import Ticket, TicketEvent
from notifications.models import Notification
from tests.escalation.sla_setup import HOUR, escalation_policy, sla_policy

from .conftest import on_postgres, until

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def open_tickets(customer, desk, count, due_in):
    """`count` tickets whose one level (tell the team leads) falls due in `due_in`."""
    opened = timezone.now() + due_in - timedelta(seconds=60)
    for n in range(count):
        Ticket.open_ticket(
            requester=customer, subject=f"redis {n}", description="x", team=desk, at=opened
        )


def restart(server):
    server.stop(signal.SIGKILL)
    server.start()


def assert_each_fired_once(levels):
    ids = list(levels.values_list("pk", flat=True))
    assert levels.filter(state="fired").count() == len(ids)
    assert TicketEvent.objects.filter(kind="escalated").count() == len(ids)
    causes = sorted(f"firing:{pk}" for pk in ids)
    assert sorted(
        Notification.objects.filter(cause__in=causes).values_list("cause", flat=True)
    ) == (causes)


@on_postgres
def test_tasks_lost_with_a_redis_restart_are_fired_once_from_the_database(
    own_redis, clusters, customer, teams, lead, settings, monkeypatch
):
    """Protection: claims that expire (engine.claim_due takes a claim whose time ran out) and
    the conditional update to `fired`. Checked: with claim_due taking only pending rows
    (`Firing.objects.claimable` without its expired-claim half), the 20 firings whose tasks
    Redis lost stayed `claimed` and the first wait timed out."""
    sla_policy(None, response=HOUR, resolution=4 * HOUR)
    escalation_policy([{"anchor": "created", "offset_seconds": 60, "notify": ["team_leads"]}])
    levels = Firing.objects.filter(kind="level")

    # The deadline broker claims what is due and queues its tasks in Redis; then Redis dies.
    open_tickets(customer, teams["desk"], 20, due_in=timedelta(seconds=-5))
    settings.ESCALATION_CLAIM_SECONDS = 3
    monkeypatch.setattr(Conf, "REDIS", own_redis.url)
    monkeypatch.setattr(Conf, "DJANGO_REDIS", None)
    broker = RedisDeadlineBroker()
    receipts = Notification.objects.filter(status=Notification.Status.QUEUED).count()
    assert broker.release_due() == 20 + receipts and broker.firings.queue_size() > 0
    restart(own_redis)
    assert RedisDeadlineBroker().firings.queue_size() == 0  # the queued tasks are gone
    assert levels.filter(state="claimed").count() == 20

    clusters.start()
    until(lambda: levels.filter(state="fired").count() == 20, clusters, 40)

    # Mid-run: Redis goes down while 20 more levels fall due, and comes back 4 s later.
    open_tickets(customer, teams["desk"], 20, due_in=timedelta(seconds=1))
    own_redis.stop(signal.SIGKILL)
    until(lambda: not levels.filter(due_at__gt=timezone.now()).exists(), clusters, 10)
    until(lambda: levels.filter(state="fired").count() < 40, clusters, 1)
    own_redis.start()
    until(lambda: levels.filter(state="fired").count() == 40, clusters, 40)
    assert_each_fired_once(levels)


@on_postgres
def test_the_throttles_fail_closed_while_redis_is_down(own_redis, customer):
    """Protection: helpdesk.errors.server_error's outage branch (a Redis connection error is a
    503), and the throttles asking the cache before letting a request through (they raise
    when it cannot answer; nothing in them swallows the error). Checked: without the outage
    branch the requests answered 500 and this test failed."""
    on_redis = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": own_redis.url,
        }
    }
    with override_settings(CACHES=on_redis):  # restored before the suite's fixtures clear it
        throttled_requests_while_redis_is_down(own_redis, customer)


def throttled_requests_while_redis_is_down(own_redis, customer):
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(customer)
    assert client.get("/api/tickets/").status_code == 200
    own_redis.stop(signal.SIGKILL)
    for answer in (
        client.get("/api/tickets/"),
        client.post("/api/tickets/", {"subject": "x", "description": "y"}, format="json"),
        APIClient(raise_request_exception=False).post(
            "/api/auth/token/", {"username": customer.username, "password": "x"}, format="json"
        ),
    ):
        assert answer.status_code == 503, answer.content
        assert answer["Retry-After"] == "10"
        assert answer.json()["detail"].startswith("The service is briefly unavailable")
    assert Ticket.objects.count() == 0
    own_redis.start()
    assert client.get("/api/tickets/").status_code == 200
    assert redis.Redis.from_url(own_redis.url).dbsize() > 0  # the throttles count again
