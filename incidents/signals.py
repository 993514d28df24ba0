"""Domain signals: `incidents` announces what happened; other apps (escalation) react.

`ticket_event` is sent inside the transaction that recorded the event, so a receiver's writes
commit or roll back together with the change itself.
"""

from django.dispatch import Signal

ticket_event = Signal()  # kwargs: event (TicketEvent)
