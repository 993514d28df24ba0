"""Who may do what to a ticket, beyond seeing it (`Ticket.objects.visible_to`).

Pages, the API and the admin all ask these functions, so a rule changes in one place. Each
takes a user and, where the answer depends on it, a ticket the user can already see. What a
change must satisfy (an assignee of the team, a reason, a tier) is the lifecycle's to decide
(incidents.models.lifecycle).
"""

from django.db.models import Q

from . import roles
from .models import Membership, TicketEvent


def can_write_internal(user, ticket=None):
    """Internal notes are written (and read) by agents only: any agent who can see the ticket,
    the team it was escalated away from too."""
    return roles.is_agent(user)


def can_read_internal(user):
    return roles.is_agent(user)


def can_change_ticket(user, ticket):
    """Status, assignee, priority, team: changed by supervisors, the members of the ticket's
    current team and its assignee; never by the requester. The team a ticket was escalated away
    from still reads it (`Ticket.objects.visible_to`) and adds internal notes, nothing more."""
    if roles.is_supervisor(user):
        return True
    if not roles.is_agent(user):
        return False
    return ticket.assignee_id == user.pk or ticket.team_id in Membership.objects.team_ids(user)


def can_acknowledge(user, ticket):
    return can_change_ticket(user, ticket)


def can_escalate(user, ticket):
    return can_change_ticket(user, ticket)


def can_resolve(user, ticket):
    return can_change_ticket(user, ticket)


def can_reply(user, ticket):
    """A public reply: the requester, and the agents who may change the ticket."""
    return ticket.requester_id == user.pk or can_change_ticket(user, ticket)


def refusal(user, ticket):
    """Why `user` may not change `ticket`, in words for the desk, the API and the admin."""
    if roles.is_agent(user) and ticket.team is not None:
        return (
            f"{ticket.reference} is with {ticket.team.name} now: your team may read it and add "
            "internal notes, not change it."
        )
    return "You are not allowed to do this to the ticket."


def can_mark_solved(user, ticket):
    """The requester may say their own active ticket is solved (SPEC "People": customers)."""
    return ticket.requester_id == user.pk and ticket.is_active


def can_reopen(user, ticket):
    """The requester may reopen their own resolved ticket; agents those they may change."""
    return ticket.requester_id == user.pk or can_change_ticket(user, ticket)


def can_open_for_others(user):
    """Agents log tickets on a customer's behalf (phone, walk-in); customers only for themselves."""
    return roles.is_agent(user)


def can_choose_team(user):
    """A new ticket goes to the intake team unless the desk routes it; customers never choose."""
    return roles.is_agent(user)


def can_read_teams(user):
    return roles.is_agent(user)


def can_set_absence(user, person):
    """An agent sets their own out of office; a supervisor anyone's."""
    return roles.is_supervisor(user) or (roles.is_agent(user) and user.pk == person.pk)


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


def report_teams(user):
    """The teams whose figures `user` may read (SPEC "Reports"): None for every team (a
    supervisor), the teams they lead (a team lead), or an empty set (anyone else)."""
    if roles.is_supervisor(user):
        return None
    if not roles.is_agent(user):
        return frozenset()
    led = Membership.objects.filter(user=user, role=Membership.Role.LEAD)
    return frozenset(led.values_list("team_id", flat=True))


def can_read_reports(user):
    """Supervisors and team leads read the reports and the dashboard."""
    teams = report_teams(user)
    return teams is None or bool(teams)
