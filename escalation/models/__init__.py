from .calendars import BusinessCalendar, Holiday, OpeningHours
from .firings import Firing, TicketClock
from .policies import EscalationLevel, EscalationPolicy
from .rotations import OnCallOverride, Rotation, RotationMember
from .sla import SLAPolicy, SLATarget

__all__ = [
    "BusinessCalendar",
    "EscalationLevel",
    "EscalationPolicy",
    "Firing",
    "Holiday",
    "OnCallOverride",
    "OpeningHours",
    "Rotation",
    "RotationMember",
    "SLAPolicy",
    "SLATarget",
    "TicketClock",
]
