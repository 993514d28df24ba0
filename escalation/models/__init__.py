from .calendars import BusinessCalendar, Holiday, OpeningHours
from .firings import Firing, TicketClock
from .policies import EscalationLevel, EscalationPolicy
from .sla import SLAPolicy, SLATarget

__all__ = [
    "BusinessCalendar",
    "EscalationLevel",
    "EscalationPolicy",
    "Firing",
    "Holiday",
    "OpeningHours",
    "SLAPolicy",
    "SLATarget",
    "TicketClock",
]
