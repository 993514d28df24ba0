"""The escalation app's receiver of incidents' `ticket_event`: keep clocks and plans in step.

Runs inside the event's transaction. It writes the SLA state the escalation app owns (the
ticket's clock, its firings and the due-time columns queues sort by) and never changes what
people change: status, priority, team, assignee and the events stay as the lifecycle wrote them.
"""

from django.dispatch import receiver

from incidents.signals import ticket_event

from . import clocks
from .moves import move_reason

# Events that start, stop, pause or move a clock; the second group also re-selects the targets
# and the escalation policy (SPEC: "a change of priority or team re-selects the targets").
MOVES_CLOCKS = frozenset({"status_changed", "acknowledged"})
REFREEZES = frozenset({"created", "priority_changed", "team_changed"})


@receiver(ticket_event, dispatch_uid="escalation.on_ticket_event")
def on_ticket_event(sender, event, **kwargs):
    if event.kind in REFREEZES or event.kind in MOVES_CLOCKS:
        clocks.refresh(
            event.ticket,
            event.at,
            refreeze=event.kind in REFREEZES,
            created=event.kind == "created",  # a new ticket: no clock, no firing to read
            moved=move_reason(event.kind, event.ticket, event.data),
        )
