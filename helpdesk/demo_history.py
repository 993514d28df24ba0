"""The demo's past, recorded as history: escalations fired and mails sent when they were due.

Tickets are played with past times. Without this, every level due in that past would fire
late as soon as the workers start, and every mail of the past would go out then: a first
`make run` would open on a wall of output. Instead each firing fires at its own due time, in
order with the people's actions, and the past's outbox rows are marked sent at their cause's
time. What falls due after the seeding is left for the live workers.
"""

from django.db.models import Max, Min

from escalation import engine
from escalation.models import Firing
from incidents.models import Ticket, TicketEvent
from notifications.models import Notification

# A ticket's past holds a few levels and repeats; the bound only guards against a plan that
# keeps answering "not yet".
MAX_FIRINGS = 50


def until(ticket, at):
    """Fire every firing of `ticket` due by `at`, each at its own due time; returns `at`."""
    for _ in range(MAX_FIRINGS):
        firing = (
            Firing.objects.filter(ticket=ticket, state=Firing.State.PENDING, due_at__lte=at)
            .order_by("due_at", "pk")
            .first()
        )
        if firing is None:
            break
        engine.fire_batch([firing.pk], firing.due_at)
        ticket.refresh_from_db()
    return at


def settle_notifications(tickets):
    """Mark the queued rows of `tickets` sent at the time of what caused them."""
    rows = list(Notification.objects.filter(ticket__in=tickets, status=Notification.Status.QUEUED))
    events = dict(TicketEvent.objects.filter(ticket__in=tickets).values_list("pk", "at"))
    fired = dict(
        Firing.objects.filter(ticket__in=tickets, fired_at__isnull=False).values_list(
            "pk", "fired_at"
        )
    )
    first = dict(
        TicketEvent.objects.filter(ticket__in=tickets)
        .values("ticket")
        .annotate(at=Min("at"))
        .values_list("ticket", "at")
    )
    for row in rows:
        kind, _, ident = row.cause.partition(":")
        known = {"event": events, "firing": fired}.get(kind, {})
        when = known.get(int(ident)) if ident.isdigit() else None
        when = when or first[row.ticket_id]
        row.status, row.attempts = Notification.Status.SENT, 1
        row.created_at = row.sent_at = row.next_attempt_at = when
    Notification.objects.bulk_update(
        rows, ["status", "attempts", "created_at", "sent_at", "next_attempt_at"], batch_size=500
    )
    return len(rows)


def settle_updated_at(tickets):
    """Give each ticket the time of its latest change as its last update: its saves stamped the
    seeding time (auto_now), so every row of the queue and My tickets said "just now"."""
    latest = dict(
        TicketEvent.objects.filter(ticket__in=tickets)
        .exclude(kind__in=["notified", "sla_updated"])
        .values("ticket")
        .annotate(at=Max("at"))
        .values_list("ticket", "at")
    )
    for ticket in tickets:
        ticket.updated_at = latest.get(ticket.pk, ticket.created_at)
    # A queryset update: a save would stamp auto_now again.
    for ticket in tickets:
        Ticket.objects.filter(pk=ticket.pk).update(updated_at=ticket.updated_at)
    return len(tickets)
