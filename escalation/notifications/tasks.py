"""django-q2 tasks: thin wrappers that hand ids to the delivery domain."""

from django_q.tasks import async_task

from . import delivery


def queue_delivery(notification_ids):
    """Hand each row to a worker. Run on commit; a broker that is down only delays the mail,
    because the sweep delivers whatever stays queued."""
    for pk in notification_ids:
        async_task("escalation.notifications.tasks.deliver", pk)


def deliver(notification_id):
    return delivery.deliver(notification_id)


def sweep_outbox():
    return delivery.sweep()
