"""The escalation app's reaction to ticket events: keep clocks and plans in step.

Declared second to none (incidents/reactions.py): runs inside the events' transaction, before
the outbox is written. It writes the SLA state the escalation app owns (the ticket's clock, its
firings and the due-time columns queues sort by, and the report figures kept beside them: the
clock's, and the people's slots of work, escalation/work.py) and never changes what people
change: status, priority, team, assignee and the events stay as the lifecycle wrote them.
"""

from . import clocks, figures, work
from .moves import move_reason

# Events that start, stop, pause or move a clock; the second group also re-selects the targets
# and the escalation policy (SPEC: "a change of priority or team re-selects the targets").
MOVES_CLOCKS = frozenset({"status_changed", "acknowledged"})
REFREEZES = frozenset({"created", "priority_changed", "team_changed"})


def keep_clocks(events):
    """Refresh the clock of every ticket the events start, stop, pause or move: once per
    ticket and instant, tickets of the same instant and kind of change together (the engine's
    batch of moves is one refresh_many); then count the escalations on the clocks (the reports
    read them there), and keep the people's slots of work the agents report reads (work.keep:
    it reads the clocks' times to acknowledge, so it comes last)."""
    changes = {}
    for event in events:
        if event.kind not in REFREEZES and event.kind not in MOVES_CLOCKS:
            continue
        change = changes.setdefault((event.ticket_id, event.at), _Change(event.ticket))
        change.add(event)
    batches = {}
    for (_ticket_id, at), change in changes.items():
        batches.setdefault((at, change.refreeze, change.created), []).append(change)
    for (at, refreeze, created), batch in batches.items():
        moved = {c.ticket.pk: c.moved for c in batch if c.moved}
        tickets = [c.ticket for c in batch]
        # A new ticket has no clock and no firing to read.
        clocks.refresh_many(tickets, at, refreeze=refreeze, created=created, moved=moved)
    clocks.count_escalations(
        event.ticket_id
        for event in events
        if event.kind == "escalated" and figures.counts_as_escalation(event.data)
    )
    work.keep(events)


def open_clock(ticket, at):
    """A new ticket, before its row is written (incidents.reactions.prepare): its clock frozen
    at `at` and the due-time columns it gives, so they go in with the ticket's INSERT; the
    `created` event's keep_clocks then writes that clock."""
    clocks.prepare(ticket, at)


class _Change:
    """What one ticket's events at one instant ask of its clock."""

    def __init__(self, ticket):
        self.ticket, self.refreeze, self.created, self.moved = ticket, False, False, ""

    def add(self, event):
        self.refreeze = self.refreeze or event.kind in REFREEZES
        self.created = self.created or event.kind == "created"
        self.moved = self.moved or move_reason(event.kind, event.ticket, event.data)
