"""Fill the report figures (escalation/figures.py) of the clocks of tickets opened before them:
the stood-still totals from each ticket's status changes, then the outcomes and times as of
now. Pure functions over rows, in chunks; nothing to undo (the fields go with 0009)."""

from types import SimpleNamespace

from django.db import migrations

CHUNK = 2000
TICKET_FIELDS = [
    "status",
    "created_at",
    "acknowledged_at",
    "resolved_at",
    "closed_at",
    "response_due_at",
    "resolution_due_at",
    "sla_paused_at",
]


def backfill(apps, schema_editor):
    from django.utils import timezone

    from escalation.figures import FIELDS, figures, stood_from
    from escalation.models.calendars import calendar_from_snapshot

    Clock = apps.get_model("escalation", "TicketClock")
    Ticket = apps.get_model("incidents", "Ticket")
    Event = apps.get_model("incidents", "TicketEvent")
    now = timezone.now()
    last = 0
    while True:
        clocks = list(Clock.objects.filter(pk__gt=last).order_by("pk")[:CHUNK])
        if not clocks:
            return
        last = clocks[-1].pk
        ids = [c.ticket_id for c in clocks]
        tickets = {t["id"]: t for t in Ticket.objects.filter(pk__in=ids).values("id", *TICKET_FIELDS)}
        changes = {}
        events = Event.objects.filter(ticket_id__in=ids, kind="status_changed").order_by("at", "id")
        for ticket_id, at, after in events.values_list("ticket_id", "at", "after"):
            changes.setdefault(ticket_id, []).append((at, (after or {}).get("status")))
        for clock in clocks:
            calendar = calendar_from_snapshot(clock.calendar)
            stood = stood_from(changes.get(clock.ticket_id, []), calendar)
            clock.stood_microseconds, clock.stood_wall_microseconds = stood
            ticket = SimpleNamespace(**tickets[clock.ticket_id])
            for name, value in figures(ticket, calendar, *stood, now).items():
                setattr(clock, name, value)
        Clock.objects.bulk_update(
            clocks, ["stood_microseconds", "stood_wall_microseconds", *FIELDS]
        )


class Migration(migrations.Migration):
    # Only the ticket columns escalation 0009 already relies on are read: no dependency on a
    # later incidents migration, which would pull it earlier into every plan.
    dependencies = [("escalation", "0016_clock_report_figures")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
