"""Notifications through an outbox: never lost, never doubled (SPEC "Notifications").

The escalation engine and the ticket reactions call these three functions; rows are written in
the caller's transaction and delivered by django-q2 tasks after it commits.
"""

from .outbox import UserNotice, notify_many, notify_users, notify_webhooks
from .reactions import on_ticket_event

__all__ = ["UserNotice", "notify_many", "notify_users", "notify_webhooks", "on_ticket_event"]
