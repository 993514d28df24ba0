"""What an outbox email says: rendered the way the delivery worker renders it before sending."""

from notifications.delivery import deliver_many
from notifications.rendering import render_rows


def rendered(row):
    return render_rows([row])[0]


def deliver(notification_id, now=None):
    """What a delivery worker does with one row: claim it, send it; True when it went out."""
    return deliver_many([notification_id], now=now)[0] == 1
