"""What the escalation app does when a ticket changes (filled in by the engine work)."""


def on_ticket_event(event):
    return None
