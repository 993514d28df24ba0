"""django-q2 tasks: thin wrappers that hand ids to the delivery domain."""

import uuid
from contextlib import nullcontext

from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_q.brokers.orm import ORM
from django_q.conf import Conf
from django_q.models import OrmQ
from django_q.signing import SignedPackage
from django_q.tasks import async_task

from incidents import rows

from . import delivery

# Rows handed to one task: few enough that a task ends well inside its time budget even when
# the mail server is slow, many enough that a burst of escalations (two or three rows a firing)
# does not become a burst of queue writes: each task costs its own pickling, signing and row.
CHUNK = 50


def queue_delivery(notification_ids):
    """Hand the rows to the workers, CHUNK a task. A broker that is down only delays the mail,
    because the sweep delivers whatever stays queued."""
    ids = list(notification_ids)
    chunks = [ids[start : start + CHUNK] for start in range(0, len(ids), CHUNK)]
    if Conf.ORM and tasks_are_rows_in(Conf.ORM):
        write_task_rows("notifications.tasks.deliver", chunks, name="outbox-deliver")
        return
    # Outside a transaction django-q's database broker calls close_old_connections(), which
    # closes a connection whose CONN_MAX_AGE is 0 in the middle of the request that queued the
    # mail; in one, its tasks commit or roll back with the caller's.
    one = transaction.atomic(using=Conf.ORM, savepoint=False) if Conf.ORM else nullcontext()
    with one:
        for chunk in chunks:
            async_task("notifications.tasks.deliver", chunk, save=False, task_name="outbox-deliver")


def write_task_rows(func, args_list, *, name):
    """Queue `func(args)` for each of `args_list` on django-q's database broker: the rows its
    `async_task` would write (the same signed package, on the broker's list, ready now), in
    one statement of the caller's transaction (no savepoint: they commit or roll back with it).

    async_task costs a broker instance, a readable task name and a model instance per task,
    4% of a ticket's create; no receiver listens to its `pre_enqueue` signal here."""
    now = timezone.now()
    task = {"name": name, "func": func, "save": False, "kwargs": {}, "started": now}
    if Conf.CACHED:
        task["cached"] = Conf.CACHED
    if Conf.ACK_FAILURES:
        task["ack_failure"] = Conf.ACK_FAILURES
    packages = [
        SignedPackage.dumps({**task, "id": uuid.uuid4().hex, "args": (args,)}) for args in args_list
    ]
    rows.insert(
        OrmQ,
        [{"key": Conf.CLUSTER_NAME, "payload": package, "lock": now} for package in packages],
        using=Conf.ORM,
    )


def tasks_are_rows_in(alias):
    """Whether the broker keeps its tasks as rows of database `alias` (django-q's ORM broker
    and ours on it), so that a task queued in a transaction there commits or rolls back with
    it. Decided by the broker's class: making a broker closes stale connections."""
    if Conf.SYNC or not Conf.BROKER_CLASS:
        return False  # a synchronous "task" runs at once; no broker class: not our settings
    return issubclass(import_string(Conf.BROKER_CLASS), ORM) and alias == Conf.ORM


def deliver(notification_ids):
    """Deliver the rows; hand what the time budget left over to a fresh task."""
    sent, left = delivery.deliver_many(notification_ids)
    if left:
        queue_delivery(left)
    return sent


def sweep_outbox():
    return delivery.sweep()
