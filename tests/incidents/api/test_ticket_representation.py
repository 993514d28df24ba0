"""TicketSerializer writes a ticket straight off its columns; it must say exactly what DRF's
ModelSerializer says for the same fields, in every state and time zone a reader may be in."""

from datetime import timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from rest_framework import serializers

from incidents.api.reading import remember_zone
from incidents.api.serializers import TicketSerializer
from incidents.models import Ticket


def drf_own(ticket, context=None):
    serializer = TicketSerializer(context=context or {})
    return serializers.ModelSerializer.to_representation(serializer, ticket)


@pytest.fixture
def tickets(make_ticket, customer, agent, teams):
    new = make_ticket(requester=customer)
    worked = make_ticket(requester=customer, team=teams["desk"])
    worked.acknowledge(agent)
    worked.assign(agent, agent)
    worked.set_priority(agent, "P1", reason="Board meeting in an hour")
    resolved = make_ticket(requester=customer, team=teams["desk"])
    resolved.resolve(agent)
    resolved.rate(customer, 4)
    late = make_ticket(requester=customer)
    Ticket.objects.filter(pk=late.pk).update(
        breached=True, escalation_level=2, sla_paused_at=timezone.now() - timedelta(hours=1)
    )
    return [new, worked, resolved, late]


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Kolkata"])
def test_the_columns_read_as_drf_would_write_them(tickets, zone):
    with timezone.override(zone):
        for ticket in [*tickets, *Ticket.objects.all()]:
            ours = TicketSerializer(ticket).data
            assert ours == drf_own(ticket)
            assert list(ours) == TicketSerializer.Meta.fields


def test_a_ticket_just_opened_reads_as_it_will_when_fetched_again(customer):
    ticket = Ticket.open_ticket(requester=customer, subject="Printer", description="Jammed")
    assert TicketSerializer(ticket).data == drf_own(Ticket.objects.get(pk=ticket.pk))


def test_a_list_reads_each_ticket_the_same_way(tickets):
    listed = TicketSerializer(Ticket.objects.order_by("pk"), many=True).data
    assert listed == [drf_own(ticket) for ticket in Ticket.objects.order_by("pk")]
    assert len(listed) == 4


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Kolkata"])
def test_the_readable_twins_are_in_the_readers_zone_as_drf_would_write_them(
    tickets, customer, zone
):
    """The reader's zone (here as a token's statement leaves it on the user) decides the twins,
    whatever zone is active; the ISO instants stay as DRF writes them."""
    remember_zone(customer, zone)
    context = {"request": SimpleNamespace(user=customer)}
    with timezone.override("Europe/Berlin"):
        for ticket in Ticket.objects.all():
            ours = TicketSerializer(ticket, context=context).data
            assert ours == drf_own(ticket, context)
            assert ours["time_zone"] == zone
            local = ticket.created_at.astimezone(ZoneInfo(zone))
            assert ours["created_display"] == f"{local:%a %-d %b %Y, %H:%M} {local.tzname()}"
            assert ours["created_at"] == local.astimezone(ZoneInfo("Europe/Berlin")).isoformat()
        listed = TicketSerializer(Ticket.objects.order_by("pk"), many=True, context=context).data
        assert {t["time_zone"] for t in listed} == {zone}
