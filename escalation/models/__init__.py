from .calendars import BusinessCalendar, Holiday, OpeningHours
from .firings import Firing, TicketClock
from .policies import EscalationLevel, EscalationPolicy
from .rotations import OnCallFeed, OnCallOverride, Rotation, RotationMember
from .sla import SLAPolicy, SLATarget

__all__ = [
    "BusinessCalendar",
    "EscalationLevel",
    "EscalationPolicy",
    "Firing",
    "Holiday",
    "OnCallFeed",
    "OnCallOverride",
    "OpeningHours",
    "Rotation",
    "RotationMember",
    "SLAPolicy",
    "SLATarget",
    "TicketClock",
]
