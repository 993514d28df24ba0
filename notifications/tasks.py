"""django-q2 tasks: thin wrappers that hand ids to the delivery domain."""

from django.db import transaction
from django_q.tasks import async_task

from . import delivery

# Rows handed to one task: few enough that a task ends well inside its time budget even when
# the mail server is slow, many enough that a burst of escalations (two or three rows a firing)
# does not become a burst of queue writes: each task costs its own pickling, signing and row.
CHUNK = 50


def queue_delivery(notification_ids):
    """Hand the rows to the workers, CHUNK a task. Run on commit; a broker that is down only
    delays the mail, because the sweep delivers whatever stays queued."""
    ids = list(notification_ids)
    # With the database broker the tasks are rows, written in one transaction. And outside a
    # transaction django-q's broker calls close_old_connections(), which closes a connection
    # that has no CONN_MAX_AGE (SQLite's) in the middle of the request that queued the mail.
    with transaction.atomic():
        for start in range(0, len(ids), CHUNK):
            async_task(
                "notifications.tasks.deliver",
                ids[start : start + CHUNK],
                save=False,
                task_name="outbox-deliver",
            )


def deliver(notification_ids):
    """Deliver the rows; hand what the time budget left over to a fresh task."""
    sent, left = delivery.deliver_many(notification_ids)
    if left:
        queue_delivery(left)
    return sent


def sweep_outbox():
    return delivery.sweep()
