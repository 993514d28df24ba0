"""django-q2 tasks: thin wrappers that hand ids to the delivery domain."""

import os
from contextlib import nullcontext

from django.db import transaction
from django.utils.module_loading import import_string
from django_q.brokers import get_broker
from django_q.brokers.orm import ORM
from django_q.conf import Conf
from django_q.tasks import async_task

from . import delivery

# Rows handed to one task: few enough that a task ends well inside its time budget even when
# the mail server is slow, many enough that a burst of escalations (two or three rows a firing)
# does not become a burst of queue writes: each task costs its own pickling, signing and row.
CHUNK = 50


_brokers = {}


def broker():
    """This process's broker, made once for the configuration it is made of (per process: a
    forked worker makes its own). django-q makes one per `async_task` without it: on Redis a
    client and its connection for every ticket opened, about a tenth of an API create's time
    under load (issue 29)."""
    key = (
        os.getpid(),
        Conf.BROKER_CLASS,
        Conf.ORM,
        str(Conf.REDIS),
        Conf.DJANGO_REDIS,
        Conf.CLUSTER_NAME,
    )
    made = _brokers.get(key)
    if made is None:
        _brokers.clear()
        made = _brokers[key] = get_broker()
    return made


def queue_delivery(notification_ids, token=None):
    """Hand the rows to the workers, CHUNK a task, through django-q's own `async_task`: what a
    task's time budget left over (`deliver`), and with synchronous tasks the rows a cause wrote
    (outbox.queue), what an escalation level wrote (outbox.queue_at_once: `token`, their claim
    for the task to adopt); the deadline loop hands out everything else. A broker that is down
    only delays the mail, because the loop and the sweep deliver whatever stays queued.

    In a transaction: outside one django-q's database broker calls close_old_connections(),
    which closes a connection whose CONN_MAX_AGE is 0 in the middle of the caller's work."""
    ids = list(notification_ids)
    one = transaction.atomic(using=Conf.ORM, savepoint=False) if Conf.ORM else nullcontext()
    with one:
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            async_task(
                "notifications.tasks.deliver",
                *([chunk, token] if token else [chunk]),
                broker=broker(),
                save=False,
                task_name="outbox-deliver",
            )


def synchronous():
    """Whether a "task" runs at once, in the caller (Q_CLUSTER `sync`): no cluster, no loop."""
    return bool(Conf.SYNC)


def tasks_are_rows_in(alias):
    """Whether the broker keeps its tasks as rows of database `alias` (django-q's ORM broker
    and ours on it), so that a task queued in a transaction there commits or rolls back with
    it. Decided by the broker's class: making a broker closes stale connections."""
    if Conf.SYNC or not Conf.BROKER_CLASS:
        return False  # a synchronous "task" runs at once; no broker class: not our settings
    return issubclass(import_string(Conf.BROKER_CLASS), ORM) and alias == Conf.ORM


def with_the_rows(push, alias):
    """Call `push` (which queues a task about rows the current transaction wrote on `alias`) so
    the task goes with those rows: in the transaction when the broker's tasks are rows of the
    same database (they commit or roll back together), else when it commits (a task queued
    before would name rows a worker cannot see yet, or never will)."""
    if tasks_are_rows_in(alias):
        push()
    else:
        transaction.on_commit(push, using=alias, robust=True)


def deliver(notification_ids, token=None):
    """Deliver the rows (claimed under `token` by the deadline loop, when it queued them); hand
    what the time budget left over to a fresh task."""
    sent, left = delivery.deliver_many(notification_ids, token=token)
    if left:
        queue_delivery(left)
    return sent


def sweep_outbox():
    return delivery.sweep()


def poll_inbox():
    """Take new mail from MAIL_INBOX_URL (nothing to do without one)."""
    from .inbound import poller

    return poller.poll().taken
