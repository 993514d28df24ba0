"""What happens after a ticket changes: the reactions other apps declare to its events, in order.

`incidents` knows nothing of SLAs or mail, yet a change must reach both in the transaction that
made it. Every event the lifecycle records (`Ticket.record`), and every batch recorded at once
(`TicketEvent.objects.record_all`: the engine's moves, escalations and breaches), is handed as
one list to each reaction in turn, inside that transaction: their writes commit or roll back
with the change, and a reaction's work for many events costs what it costs for one.

The order is declared once, by the project (`helpdesk/apps.py`), and
`tests/incidents/test_reactions.py` holds docs/architecture.md and `Ticket.open_ticket`'s
docstring to it:

1. `escalation.reactions.keep_clocks`: freeze terms, account pauses, write the due-time
   columns the queues sort by, plan the firings (passing over those a move left behind), keep
   the report figures and count the escalations on the clock, then keep the people's slots of
   work the agents report reads;
2. `notifications.reactions.write_outbox`: the mails and webhooks the events cause, with the
   due times the first reaction wrote.

A new ticket is also handed, before its row is written, to the declared preparers
(`prepare`): what they set on it goes in with its INSERT. Escalation's fills the due-time
columns from the clock it freezes, which its reaction then writes, where an UPDATE of the new
row followed the INSERT (issue 29).
"""

_reactions = []
_preparers = []


def declare(*reactions, preparing=None):
    """Set the reactions, in the order they run, and (`preparing`) the preparers of a new
    ticket. Called once, from the project's ready()."""
    _reactions[:] = reactions
    if preparing is not None:
        _preparers[:] = preparing


def declared():
    return tuple(_reactions)


def prepare(ticket, at):
    """Hand a new ticket, not yet written, to every preparer: they may set the columns their
    app owns (never status, priority, team or assignee)."""
    for prepare_ticket in _preparers:
        prepare_ticket(ticket, at)


def dispatch(events):
    """Hand `events` (TicketEvents just written, their `ticket` set) to every reaction."""
    if events:
        for react in _reactions:
            react(events)
