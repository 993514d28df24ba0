from .absences import Absence
from .configuration import ConfigurationStamp
from .priority import Level, Priority, PriorityMatrixEntry
from .saved_replies import SavedReply
from .teams import Membership, Team
from .tickets import Attachment, Reply, Ticket, TicketEvent

__all__ = [
    "Absence",
    "Attachment",
    "ConfigurationStamp",
    "Level",
    "Membership",
    "Priority",
    "PriorityMatrixEntry",
    "Reply",
    "SavedReply",
    "Team",
    "Ticket",
    "TicketEvent",
]
