"""What the escalation app does when a ticket changes: keep its clocks and plan in step, then
let notifications tell the people concerned. Runs inside the event's transaction."""

from . import clocks, notifications

# Events that start, stop, pause or move a clock; the second group also re-selects the targets
# and the escalation policy (SPEC: "a change of priority or team re-selects the targets").
MOVES_CLOCKS = frozenset({"status_changed", "acknowledged"})
REFREEZES = frozenset({"created", "priority_changed", "team_changed"})


def on_ticket_event(event):
    ticket = event.ticket
    if event.kind == "created" and clocks.derive_priority(ticket):
        event.after["priority"] = ticket.priority
        event.save(update_fields=["after"])
    if event.kind in REFREEZES or event.kind in MOVES_CLOCKS:
        clocks.refresh(ticket, event.at, refreeze=event.kind in REFREEZES)
    notifications.on_ticket_event(event)
