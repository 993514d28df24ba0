"""A ticket's timeline: its events, plus entries other apps contribute through a registry.

`incidents` must not import `escalation`, yet the timeline shows escalation's notifications.
So other apps register a source here: a function `(ticket, user) -> [entry]` returning entries
`{"kind", "at", "actor", "data"}` the user may see. Sources must not query per entry.
"""

from . import permissions
from .models import TicketEvent

_sources = []


def register_source(source):
    """Add a timeline source; registering the same function twice is harmless."""
    if source not in _sources:
        _sources.append(source)


def event_entry(event):
    data = dict(event.data)
    if event.before:
        data["before"] = event.before
    if event.after:
        data["after"] = event.after
    return {"kind": event.kind, "at": event.at, "actor": event.actor_id, "data": data}


def entries_for(ticket, user):
    """Everything `user` may see happen to `ticket`, oldest first."""
    events = permissions.visible_events(user, TicketEvent.objects.filter(ticket=ticket))
    entries = [event_entry(event) for event in events]
    for source in _sources:
        entries.extend(source(ticket, user))
    # sorted() is stable: entries at the same instant keep events before contributed entries.
    return sorted(entries, key=lambda entry: entry["at"])
