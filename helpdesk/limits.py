"""The numbers the environment sets, checked once when the settings load.

A negative claim would let a second worker take a firing the first still holds (a level twice),
a negative backlog would shed every request, a zero timeout would fail every mail: a process
with such a value refuses to start, naming each one, instead of misbehaving at the worst time.
"""

import environ

# The least each setting accepts; 0 where 0 has a meaning (off, none, at once).
LEAST = {
    "SECURE_HSTS_SECONDS": 0,
    "AXES_FAILURE_LIMIT": 1,
    "WEB_STATEMENT_TIMEOUT_MS": 0,
    "ATTACHMENT_MAX_BYTES": 1,
    "ATTACHMENT_MAX_REQUEST_BYTES": 1,
    "ATTACHMENT_MAX_TICKET_BYTES": 1,
    "ATTACHMENT_MAX_TICKET_FILES": 1,
    "REOPEN_WINDOW_DAYS": 0,
    "GUEST_LINK_MAX_AGE_DAYS": 1,
    "GUEST_SUBMISSIONS_PER_IP_HOUR": 0,
    "GUEST_SUBMISSIONS_PER_EMAIL_HOUR": 0,
    "EMAIL_TIMEOUT": 1,
    "INBOUND_MAX_BYTES": 1,
    "INBOUND_TICKETS_PER_SENDER_HOUR": 0,
    "NOTIFICATION_MAX_ATTEMPTS": 1,
    "NOTIFICATION_RETRY_BASE_SECONDS": 1,
    "NOTIFICATION_CLAIM_SECONDS": 1,
    "ESCALATION_CLAIM_SECONDS": 1,
    "ESCALATION_LATE_SECONDS": 0,
    "HEALTH_ESCALATION_LAG_SECONDS": 1,
    "HEALTH_OUTBOX_AGE_SECONDS": 1,
    "HEALTH_DATABASE_LATENCY_MS": 1,
    "HEALTH_BROKER_QUEUE_MAX": 1,
    "MAJOR_REPAGE_SECONDS": 0,
    "AT_RISK_MINUTES": 0,
    "WEB_CONCURRENCY": 1,
    "SHED_BACKLOG": 0,
    "SHED_STANDING_MS": 0,
    "SHED_QUEUE_MS": 0,
    "SHED_RETRY_AFTER": 1,
}


def check(values):
    """Raise ImproperlyConfigured naming every setting of `values` (the settings module's
    names) that is below its least value; a setting the module does not define is skipped."""
    wrong = [
        f"{name}={values[name]} (at least {least})"
        for name, least in LEAST.items()
        if name in values and values[name] < least
    ]
    if wrong:
        raise environ.ImproperlyConfigured("Out of range in the environment: " + ", ".join(wrong))
