"""Notifications through an outbox: never lost, never doubled (SPEC "Notifications").

Other apps call `notifications.outbox` (`notify_users`, `notify_many`, `notify_webhooks`); rows
are written in the caller's transaction and delivered by django-q2 tasks after it commits.
"""
