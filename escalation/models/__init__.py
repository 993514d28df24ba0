from .calendars import BusinessCalendar, Holiday, OpeningHours
from .firings import Firing, TicketClock
from .policies import EscalationLevel, EscalationPolicy
from .ranks import DayFigures
from .replays import Replay
from .rotations import CoverRequest, OnCallFeed, OnCallOverride, Rotation, RotationMember
from .sla import SLAPolicy, SLATarget
from .work import WorkSlot

__all__ = [
    "CoverRequest",
    "BusinessCalendar",
    "DayFigures",
    "EscalationLevel",
    "EscalationPolicy",
    "Firing",
    "Holiday",
    "OnCallFeed",
    "OnCallOverride",
    "OpeningHours",
    "Rotation",
    "RotationMember",
    "Replay",
    "SLAPolicy",
    "SLATarget",
    "TicketClock",
    "WorkSlot",
]
