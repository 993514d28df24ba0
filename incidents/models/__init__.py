from .priority import Level, Priority, PriorityMatrixEntry
from .teams import Membership, Team
from .tickets import Attachment, Reply, Ticket, TicketEvent

__all__ = [
    "Attachment",
    "Level",
    "Membership",
    "Priority",
    "PriorityMatrixEntry",
    "Reply",
    "Team",
    "Ticket",
    "TicketEvent",
]
