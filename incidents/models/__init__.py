from .absences import Absence
from .configuration import ConfigurationStamp
from .followers import Follower
from .priority import Level, Priority, PriorityMatrixEntry, priority_choices
from .profiles import Profile
from .saved_replies import SavedReply
from .teams import Membership, Team
from .tickets import Attachment, Reply, Ticket, TicketEvent

__all__ = [
    "Absence",
    "Attachment",
    "ConfigurationStamp",
    "Follower",
    "Level",
    "Membership",
    "Priority",
    "PriorityMatrixEntry",
    "priority_choices",
    "Profile",
    "Reply",
    "SavedReply",
    "Team",
    "Ticket",
    "TicketEvent",
]
