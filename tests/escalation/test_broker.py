"""The deadline brokers hand out due firings from the pusher's dequeue loop, on both brokers."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.conf import Conf
from django_q.signing import SignedPackage
from django_q.tasks import async_task

from escalation import broker as deadline
from escalation.models import Firing
from escalation.redis_broker import RedisDeadlineBroker
from helpdesk.probe import redis as redis_answers

from .sla_setup import HOUR, escalation_policy, sla_policy

pytestmark = pytest.mark.django_db
REDIS_URL = "redis://127.0.0.1:6379/14"


@pytest.fixture
def due_firing(make_ticket, customer, teams):
    sla_policy(None, response=HOUR, resolution=4 * HOUR)
    escalation_policy([{"anchor": "created", "offset_seconds": 60, "notify": ["team_leads"]}])
    ticket = make_ticket(customer, team=teams["desk"], at=timezone.now() - timedelta(minutes=5))
    return Firing.objects.get(ticket=ticket, kind="level")


def broker_factory(kind, monkeypatch, redis_url, list_key):
    """Makes a fresh deadline broker of `kind` ("orm" or "redis", on `redis_url`)."""
    if kind == "orm":
        return lambda: deadline.OrmDeadlineBroker(list_key=list_key)
    if not redis_answers(redis_url):
        pytest.skip(f"Redis broker test needs a Redis server at {redis_url}")
    monkeypatch.setattr(Conf, "REDIS", redis_url)
    monkeypatch.setattr(Conf, "DJANGO_REDIS", None)

    def make():
        made = RedisDeadlineBroker(list_key=list_key)
        made.delete_queue()
        made.firings.delete_queue()
        return made

    return make


@pytest.fixture(params=["orm", "redis"])
def make_broker(request, monkeypatch):
    return broker_factory(request.param, monkeypatch, REDIS_URL, "deadline-test")


def fire_tasks(task_set):
    tasks = [SignedPackage.loads(payload) for _, payload in task_set or []]
    return [t for t in tasks if t["func"] == "escalation.tasks.fire_firings"]


def test_a_due_firing_is_claimed_and_handed_out_as_a_task(make_broker, due_firing):
    queue = make_broker()
    tasks = fire_tasks(queue.dequeue())
    assert [t["args"] for t in tasks] == [([due_firing.pk],)]
    due_firing.refresh_from_db()
    assert due_firing.state == "claimed" and due_firing.claimed_until > timezone.now()
    # Another pusher (or the next loop) does not hand the same firing out again.
    queue._next_check = 0
    assert fire_tasks(queue.dequeue()) == []


def test_nothing_is_handed_out_before_it_is_due(make_broker, due_firing):
    Firing.objects.filter(pk=due_firing.pk).update(due_at=timezone.now() + timedelta(hours=1))
    assert fire_tasks(make_broker().dequeue()) == []
    assert Firing.objects.get(pk=due_firing.pk).state == "pending"


def test_an_expired_claim_is_handed_out_again(make_broker, due_firing):
    Firing.objects.filter(pk=due_firing.pk).update(
        state="claimed", claimed_by="dead-worker", claimed_until=timezone.now() - timedelta(1)
    )
    tasks = fire_tasks(make_broker().dequeue())
    assert [t["args"] for t in tasks] == [([due_firing.pk],)]
    assert Firing.objects.get(pk=due_firing.pk).claimed_by != "dead-worker"


def test_a_due_firing_is_handed_out_before_tasks_queued_earlier(make_broker, due_firing):
    queue = make_broker()
    queue._next_check = time.monotonic() + 60  # no firing check on the first reads
    for n in range(3):
        async_task("math.floor", n, broker=queue, save=False)
    queue._next_check = 0

    first = [SignedPackage.loads(payload)["func"] for _, payload in queue.dequeue()]

    assert first == ["escalation.tasks.fire_firings"]
    assert queue.queue_size() == 3  # the mail and other tasks wait their turn, none lost
    later = []
    while len(later) < 3:
        later += [SignedPackage.loads(payload)["func"] for _, payload in queue.dequeue() or []]
    assert later == ["math.floor"] * 3
