"""Ticket.insert (the row writer, as open_ticket writes a ticket) writes the row save() would."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.models import Team, Ticket

pytestmark = pytest.mark.django_db

SAME_EXCEPT = {"id", "reference", "updated_at"}


def written(ticket):
    return Ticket.objects.filter(pk=ticket.pk).values().get()


@pytest.mark.parametrize("held", [False, True])
def test_insert_writes_what_save_writes(customer, teams, held):
    at = timezone.now() - timedelta(hours=2)
    fields = dict(
        requester=customer,
        subject="Printer",
        description="Jammed",
        channel="api",
        impact="high",
        urgency="low",
        team=teams["apps"],
        created_at=at,
        priority="P2",
        held=held,
    )
    saved, inserted = Ticket(**fields), Ticket(**fields)
    saved.save()
    before = timezone.now()
    inserted.insert()

    assert inserted.pk != saved.pk and not inserted._state.adding
    assert inserted.reference == f"HD-{inserted.pk}" == written(inserted)["reference"]
    ours, theirs = written(inserted), written(saved)
    assert {k: v for k, v in ours.items() if k not in SAME_EXCEPT} == {
        k: v for k, v in theirs.items() if k not in SAME_EXCEPT
    }
    assert before <= ours["updated_at"] <= timezone.now()  # auto_now, as save() sets it
    assert ours["created_at"] == at


def test_open_ticket_writes_its_ticket_with_insert(customer, teams):
    ticket = Ticket.open_ticket(requester=customer, subject="VPN", description="Drops")
    row = written(ticket)
    assert row["reference"] == f"HD-{ticket.pk}" and row["team_id"] == Team.intake().pk
    assert (row["status"], row["channel"], row["escalation_level"]) == ("new", "portal", 0)


def test_the_database_writes_a_new_tickets_reference_and_keeps_a_given_one(customer, teams):
    """Protection: the trigger of migration 0029. Checked: without it the row the writer put in
    had no reference."""
    from dbtools import rows

    row = {
        "subject": "Printer",
        "description": "Jammed",
        "requester_id": customer.pk,
        "team_id": teams["apps"].pk,
        "created_at": timezone.now(),
    }
    [plain] = rows.insert(Ticket, [row], returning_ids=True)
    [given] = rows.insert(Ticket, [{**row, "reference": "HD-given"}], returning_ids=True)
    found = dict(Ticket.objects.filter(pk__in=[plain, given]).values_list("pk", "reference"))
    assert found == {plain: f"HD-{plain}", given: "HD-given"}
