from .configuration import ConfigurationStamp
from .priority import Level, Priority, PriorityMatrixEntry
from .profiles import Profile
from .saved_replies import SavedReply
from .teams import Membership, Team
from .tickets import Attachment, Reply, Ticket, TicketEvent

__all__ = [
    "Attachment",
    "ConfigurationStamp",
    "Level",
    "Membership",
    "Priority",
    "PriorityMatrixEntry",
    "Profile",
    "Reply",
    "SavedReply",
    "Team",
    "Ticket",
    "TicketEvent",
]
