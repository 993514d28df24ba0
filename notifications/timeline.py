"""The notifications app's part of a ticket's timeline: the notifications sent about it.

Registered with `incidents.timeline` in NotificationsConfig.ready(). Agents only:
customers' timelines show public events, not the desk's paging traffic.
"""

from incidents import permissions

from .models import Notification


def notification_entries(ticket, user):
    if not permissions.can_read_internal(user):
        return []
    notifications = Notification.objects.filter(ticket=ticket).order_by("created_at", "id")
    return [
        {
            "kind": "notified",
            "at": n.created_at,
            "actor": None,
            "data": {
                "notification": n.pk,
                "recipient": n.recipient_id,
                "channel": n.channel,
                "kind": n.kind,
                "status": n.status,
                "cause": n.cause,
                "sent_at": n.sent_at.isoformat() if n.sent_at else None,
            },
        }
        for n in notifications.only(
            "id",
            "created_at",
            "recipient_id",
            "channel",
            "kind",
            "status",
            "cause",
            "sent_at",
        )
    ]
