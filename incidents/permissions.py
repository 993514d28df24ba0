"""Who may do what to a ticket, beyond seeing it (`Ticket.objects.visible_to`).

Pages and the API both ask these functions, so a rule changes in one place. Each takes a user
and, where the answer depends on it, a ticket the user can already see.
"""

from django.db.models import Q

from . import roles
from .models import TicketEvent


def can_write_internal(user):
    """Internal notes are written (and read) by agents only."""
    return roles.is_agent(user)


def can_read_internal(user):
    return roles.is_agent(user)


def can_change_ticket(user, ticket=None):
    """Status, priority, assignee and team are the desk's to change, never the requester's."""
    return roles.is_agent(user)


def can_acknowledge(user, ticket=None):
    return roles.is_agent(user)


def can_escalate(user, ticket=None):
    return roles.is_agent(user)


def can_resolve(user, ticket=None):
    return roles.is_agent(user)


def can_mark_solved(user, ticket):
    """The requester may say their own active ticket is solved (SPEC "People": customers)."""
    return ticket.requester_id == user.pk and ticket.is_active


def can_reopen(user, ticket):
    """The requester may reopen their own resolved ticket; agents may reopen any they see."""
    return roles.is_agent(user) or ticket.requester_id == user.pk


def can_open_for_others(user):
    """Agents log tickets on a customer's behalf (phone, walk-in); customers only for themselves."""
    return roles.is_agent(user)


def can_choose_team(user):
    """A new ticket goes to the intake team unless the desk routes it; customers never choose."""
    return roles.is_agent(user)


def can_read_teams(user):
    return roles.is_agent(user)


def can_configure(user):
    """Teams, calendars, SLA and escalation policies are configured by supervisors."""
    return roles.is_supervisor(user)


def visible_replies(user, replies):
    """Narrow a Reply queryset to what `user` may read: customers never see internal notes."""
    return replies if can_read_internal(user) else replies.filter(internal=False)


def visible_events(user, events):
    """Narrow a TicketEvent queryset to what `user` may read on the timeline."""
    if can_read_internal(user):
        return events
    # `has_key` too: an event without the key is public, and a bare `data__internal=True` would
    # drop it (NULL in SQL), hiding created, acknowledged and status changes from the customer.
    internal = Q(data__has_key="internal") & Q(data__internal=True)
    return events.filter(kind__in=TicketEvent.PUBLIC_KINDS).exclude(internal)


def visible_attachments(user, attachments):
    """Narrow an Attachment queryset: customers never get a file of an internal note."""
    if can_read_internal(user):
        return attachments
    return attachments.filter(Q(reply__isnull=True) | Q(reply__internal=False))
