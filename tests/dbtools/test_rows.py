"""dbtools.rows: many rows in one statement, stored exactly as Django would store them."""

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, connection, transaction

from dbtools import rows
from escalation.models import Holiday
from incidents import reactions
from incidents.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def test_insert_round_trips_datetimes_and_json_and_fills_defaults(make_ticket, customer):
    ticket = make_ticket(customer)
    at = ticket.created_at.astimezone(BERLIN) + timedelta(microseconds=7)
    rows.insert(
        TicketEvent,
        [
            {"ticket_id": ticket.pk, "kind": "escalated", "at": at, "data": {"level": n, "x": [1]}}
            for n in (1, 2)
        ],
    )
    stored = list(TicketEvent.objects.filter(ticket=ticket, kind="escalated").order_by("id"))
    assert [(e.at, e.data) for e in stored] == [
        (at, {"level": 1, "x": [1]}),
        (at, {"level": 2, "x": [1]}),
    ]
    assert [(e.before, e.after, e.actor_id) for e in stored] == [({}, {}, None)] * 2  # defaults


def test_insert_skips_a_taken_unique_value_only_when_asked(make_ticket, customer):
    taken = make_ticket(customer).reference
    row = {
        "requester_id": customer.pk,
        "subject": "twin",
        "description": "x",
        "reference": taken,
    }
    rows.insert(Ticket, [row, {**row, "reference": "HD-NEW-1"}], skip_conflicts=True)
    assert Ticket.objects.filter(subject="twin").count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        rows.insert(Ticket, [{**row, "reference": "HD-NEW-2"}, row])
    assert not Ticket.objects.filter(reference="HD-NEW-2").exists()  # the statement rolled back


def test_a_shared_value_is_encoded_once_and_stored_as_any_other(make_ticket, customer, monkeypatch):
    ticket = make_ticket(customer)
    shared, fresh = {"levels": [1, 2], "name": "policy"}, {"levels": [3]}
    rows.shared(shared)
    encoded = []
    adapt = connection.ops.adapt_json_value
    monkeypatch.setattr(
        connection.ops, "adapt_json_value", lambda v, e: encoded.append(v) or adapt(v, e)
    )
    for _ in range(3):  # three inserts, as three tickets' clocks are written
        for data in (shared, fresh):
            row = {"ticket_id": ticket.pk, "kind": "escalated", "at": ticket.created_at}
            rows.insert(TicketEvent, [{**row, "data": data}])
    assert sum(value is shared for value in encoded) == 1
    assert sum(value is fresh for value in encoded) == 3  # not declared: every insert
    stored = TicketEvent.objects.filter(ticket=ticket, kind="escalated").order_by("id")
    assert [e.data for e in stored] == [shared, fresh] * 3


@pytest.fixture
def small_statements(monkeypatch):
    """Statements of at most 999 parameters, as on SQLite before 3.32: several per call."""
    monkeypatch.setattr(rows, "_parameter_limit", lambda connection: 999)


def test_sqlite_statements_take_as_many_parameters_as_the_library_allows(db):
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL takes 65,535 whatever Django says")
    assert rows._parameter_limit(connection) >= 32_766 > connection.features.max_query_params


def test_update_each_gives_every_row_its_own_values_across_chunks(
    make_ticket, customer, small_statements
):
    tickets = [make_ticket(customer, subject=f"t{n}") for n in range(3)]
    # Far more rows than one statement of 999 parameters carries: several chunks.
    start = tickets[0].created_at
    changes = {
        t.pk: {"response_due_at": start + timedelta(minutes=n), "subject": f"moved {n}"}
        for n, t in enumerate(tickets)
    }
    changes.update(
        {10_000_000 + n: {"response_due_at": start, "subject": "none"} for n in range(400)}
    )

    assert rows.update_each(Ticket, changes, same={"escalation_level": 2}) == 3

    stored = {t.pk: t for t in Ticket.objects.filter(pk__in=[t.pk for t in tickets])}
    for n, ticket in enumerate(tickets):
        got = stored[ticket.pk]
        assert (got.response_due_at, got.subject, got.escalation_level) == (
            start + timedelta(minutes=n),
            f"moved {n}",
            2,
        )


def test_update_each_leaves_rows_that_no_longer_meet_the_condition(make_ticket, customer):
    first, second = make_ticket(customer), make_ticket(customer)
    Ticket.objects.filter(pk=second.pk).update(status="resolved")
    changes = {t.pk: {"subject": "changed"} for t in (first, second)}

    assert rows.update_each(Ticket, changes, where={"status": first.status}) == 1
    assert Ticket.objects.get(pk=first.pk).subject == "changed"
    assert Ticket.objects.get(pk=second.pk).subject != "changed"


def test_a_field_type_it_does_not_adapt_is_refused():
    with pytest.raises(TypeError, match="not a field type"):
        rows.insert(Holiday, [{"calendar_id": 1, "date": date(2026, 1, 1)}])


def test_insert_returning_ids_gives_the_new_rows_ids_and_skips_taken_ones(
    make_ticket, customer, small_statements
):
    taken = make_ticket(customer).reference
    row = {"requester_id": customer.pk, "subject": "many", "description": "x"}
    # More rows than one statement of 999 parameters carries: several statements.
    new = [{**row, "reference": f"HD-MANY-{n}"} for n in range(120)]

    ids = rows.insert(
        Ticket,
        [new[0], {**row, "reference": taken}, *new[1:], new[0]],
        skip_conflicts=True,
        returning_ids=True,
    )

    stored = Ticket.objects.filter(subject="many")
    assert sorted(ids) == sorted(stored.values_list("pk", flat=True))
    assert sorted(stored.values_list("reference", flat=True)) == sorted(r["reference"] for r in new)
    assert rows.insert(Ticket, new[:3], skip_conflicts=True, returning_ids=True) == []


def test_update_all_sets_the_same_values_where_the_condition_still_holds(make_ticket, customer):
    tickets = [make_ticket(customer, subject=f"t{n}") for n in range(5)]
    Ticket.objects.filter(pk=tickets[0].pk).update(status="open")
    keys = [t.pk for t in tickets[:4]]
    changed = rows.update_all(Ticket, keys, {"priority": "P1"}, where={"status": "new"})
    assert changed == 3  # the open one no longer meets the condition
    got = dict(Ticket.objects.values_list("pk", "priority"))
    first, last = tickets[0].priority, tickets[4].priority
    assert [got[t.pk] for t in tickets] == [first, "P1", "P1", "P1", last]
    assert rows.update_all(Ticket, [], {"priority": "P2"}) == 0


@pytest.mark.parametrize("returning", [True, False], ids=["RETURNING", "SQLite before 3.35"])
def test_record_all_gives_each_event_its_own_row_and_announces_it(
    make_ticket, customer, monkeypatch, returning
):
    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", returning)
    tickets = [make_ticket(customer, subject=f"t{n}") for n in range(3)]
    events = [
        TicketEvent(ticket=t, kind="escalated", data={"level": n}, after={"n": n})
        for n, t in enumerate(tickets)
    ]
    heard = []
    declared = reactions.declared()
    reactions.declare(*declared, lambda batch: heard.extend(e.pk for e in batch))
    try:
        recorded = TicketEvent.objects.record_all(events)
    finally:
        reactions.declare(*declared)
    assert [e.pk for e in recorded] == heard and None not in heard
    stored = {e.pk: e for e in TicketEvent.objects.filter(pk__in=heard)}
    for n, event in enumerate(recorded):
        assert event._state.adding is False
        assert (stored[event.pk].ticket_id, stored[event.pk].data) == (tickets[n].pk, {"level": n})
