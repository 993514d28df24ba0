from .calendars import BusinessCalendar, Holiday, OpeningHours
from .firings import Firing, TicketClock
from .policies import EscalationLevel, EscalationPolicy
from .replays import Replay
from .sla import SLAPolicy, SLATarget

__all__ = [
    "BusinessCalendar",
    "EscalationLevel",
    "EscalationPolicy",
    "Firing",
    "Holiday",
    "OpeningHours",
    "Replay",
    "SLAPolicy",
    "SLATarget",
    "TicketClock",
]
