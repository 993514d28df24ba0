import importlib
from types import SimpleNamespace

from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.db.models import Count

from escalation import figures, work
from escalation.models import Firing, TicketClock, WorkSlot
from incidents import roles
from incidents.models import Membership, Reply, Team, Ticket, TicketEvent

backfill = importlib.import_module("escalation.migrations.0028_work_slots_from_events").backfill


def test_seed_bench_loads_consistent_rows(db):
    call_command("seed_bench", "50", stdout=None)

    tickets = Ticket.objects.all()
    assert tickets.count() == 50
    assert all(t.reference == f"HD-{t.pk}" for t in tickets)
    assert TicketClock.objects.count() == 50
    # Every ticket's timeline starts with its creation, and every reply has its event.
    events = TicketEvent.objects.order_by("ticket", "-at", "-id")
    firsts = {e.ticket_id: e.kind for e in events}  # the last written is the earliest
    assert set(firsts) == set(tickets.values_list("pk", flat=True))
    assert set(firsts.values()) == {"created"}
    per_ticket = TicketEvent.objects.filter(kind__in=["replied", "note_added"])
    assert per_ticket.count() == Reply.objects.count()
    created = TicketEvent.objects.filter(kind="created").values("ticket").annotate(n=Count("id"))
    assert {row["n"] for row in created} == {1}
    # Breached means a breach time; only active tickets have a pending breach firing.
    for ticket in tickets:
        assert ticket.breached == bool(ticket.response_breached_at or ticket.resolution_breached_at)
        assert ticket.created_at <= ticket.resolution_due_at
    assert not Firing.objects.filter(ticket__status__in=["resolved", "closed"]).exists()
    assert set(Firing.objects.values_list("state", flat=True)) <= {"pending", "held", "fired"}
    # Assignees are agents of the ticket's team; every team has agents.
    for ticket in tickets.exclude(assignee=None):
        assert Membership.objects.filter(user=ticket.assignee, team=ticket.team).exists()
        assert roles.is_agent(ticket.assignee)
    assert all(team.memberships.exists() for team in Team.objects.all())
    # The copies a report counts each ticket by are the ones keep_clocks would keep.
    for ticket in tickets.select_related("sla_clock"):
        clock = ticket.sla_clock
        kept = {name: getattr(clock, name) for name in figures.FIELDS}
        copies = {name: getattr(clock, name) for name in figures.COPIES}
        assert copies == figures.copies(ticket, kept)
    # The people's slots of work are the ones the migration fills from the same events.
    slots = WorkSlot.objects.values_list(*work.COLUMNS)
    seeded = sorted(slots)
    assert seeded
    WorkSlot.objects.all().delete()
    backfill(apps, SimpleNamespace(connection=connection))
    assert sorted(slots) == seeded


def test_seed_bench_twice_adds_tickets_after_the_first(db):
    call_command("seed_bench", "10", stdout=None)
    call_command("seed_bench", "10", stdout=None)

    assert Ticket.objects.count() == 20
    assert TicketClock.objects.count() == 20
    new = Ticket.objects.create(requester=Ticket.objects.first().requester, subject="s")
    assert new.reference == f"HD-{new.pk}" and new.pk == 21
