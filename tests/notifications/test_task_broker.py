"""Deliveries are queued through one broker a process (notifications.tasks.broker): django-q
made a broker, and on Redis a client with its connection, for every ticket opened."""

import uuid

from django_q.brokers import get_broker
from django_q.conf import Conf

from notifications import tasks


def test_one_broker_serves_every_delivery_until_the_configuration_changes(db, monkeypatch):
    made = []

    def counting(*args, **kwargs):
        made.append(get_broker(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(tasks, "get_broker", counting)
    monkeypatch.setattr(Conf, "BROKER_CLASS", "escalation.broker.OrmDeadlineBroker")
    monkeypatch.setattr(Conf, "ORM", "default")
    monkeypatch.setattr(Conf, "CLUSTER_NAME", f"broker-test-{uuid.uuid4().hex}")
    first = tasks.broker()
    assert tasks.broker() is first and tasks.broker() is first
    assert len(made) == 1

    monkeypatch.setattr(Conf, "CLUSTER_NAME", f"broker-test-{uuid.uuid4().hex}")
    assert tasks.broker() is not first  # another queue: another broker
    assert len(made) == 2


def test_queue_delivery_hands_async_task_the_process_broker(db, monkeypatch):
    handed = []
    monkeypatch.setattr(tasks, "async_task", lambda *a, **kw: handed.append(kw["broker"]))
    tasks.queue_delivery(range(2 * tasks.CHUNK + 1))
    assert len(handed) == 3
    assert all(b is tasks.broker() for b in handed)
