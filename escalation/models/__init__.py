from .calendars import BusinessCalendar, Holiday, OpeningHours
from .firings import Firing, TicketClock
from .outbox import DeliveryAttempt, Notification, NotificationPreference, Webhook
from .policies import EscalationLevel, EscalationPolicy
from .sla import PriorityMatrixEntry, SLAPolicy, SLATarget

__all__ = [
    "BusinessCalendar",
    "DeliveryAttempt",
    "EscalationLevel",
    "EscalationPolicy",
    "Firing",
    "Holiday",
    "Notification",
    "NotificationPreference",
    "OpeningHours",
    "PriorityMatrixEntry",
    "SLAPolicy",
    "SLATarget",
    "TicketClock",
    "Webhook",
]
