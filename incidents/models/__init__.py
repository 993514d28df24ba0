from .teams import Membership, Team
from .tickets import Attachment, Reply, Ticket, TicketEvent

__all__ = ["Attachment", "Membership", "Reply", "Team", "Ticket", "TicketEvent"]
