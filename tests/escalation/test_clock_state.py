"""One rule for each clock's state: clock_state, the queue's SQL order, the desk badge and the
portal's promise agree on every state, the resolved-before-acknowledged case included."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from desk import deadlines, timeline
from escalation import clock_state
from escalation.clock_state import BREACHED, NONE, PAUSED, RUNNING, STOPPED
from incidents.models import Ticket
from portal import status

pytestmark = pytest.mark.django_db

NOW = datetime(2025, 6, 2, 12, 0, tzinfo=UTC)


def ago(minutes):
    return NOW - timedelta(minutes=minutes)


def ahead(minutes):
    return NOW + timedelta(minutes=minutes)


# (what, ticket columns, (response state, late), (resolution state, late), queue rank, badge)
CASES = [
    (
        "new, both clocks running",
        {"response_due_at": ahead(90), "resolution_due_at": ahead(600)},
        (RUNNING, False),
        (RUNNING, False),
        1,
        "Due in 1h 30m",
    ),
    (
        "first response overdue",
        {"response_due_at": ago(5), "resolution_due_at": ahead(600)},
        (BREACHED, True),
        (RUNNING, False),
        0,
        "Overdue 5m",
    ),
    (
        "acknowledged in time",
        {
            "status": "open",
            "acknowledged_at": ago(30),
            "response_due_at": ahead(30),
            "resolution_due_at": ahead(240),
        },
        (STOPPED, False),
        (RUNNING, False),
        1,
        "Due in 4h",
    ),
    (
        "acknowledged late, breach recorded",
        {
            "status": "open",
            "acknowledged_at": ago(10),
            "response_due_at": ago(40),
            "resolution_due_at": ahead(240),
            "breached": True,
        },
        (STOPPED, True),
        (RUNNING, False),
        0,
        "Due in 4h",
    ),
    (
        "waiting on the customer, unacknowledged",
        {
            "status": "pending",
            "response_due_at": ahead(20),
            "resolution_due_at": ahead(300),
            "sla_paused_at": ago(15),
        },
        (RUNNING, False),
        (PAUSED, False),
        1,
        "Due in 20m",
    ),
    (
        "on hold after acknowledgement",
        {
            "status": "on_hold",
            "acknowledged_at": ago(60),
            "response_due_at": ago(30),
            "resolution_due_at": ahead(300),
            "sla_paused_at": ago(15),
        },
        (STOPPED, False),
        (PAUSED, False),
        3,
        "Paused",
    ),
    (
        "resolved before acknowledgement and before the response deadline",
        {
            "status": "resolved",
            "resolved_at": ago(150),  # 09:30
            "response_due_at": ago(120),  # 10:00
            "resolution_due_at": ahead(300),
            "sla_paused_at": ago(150),
        },
        (STOPPED, False),
        (STOPPED, False),
        2,
        "Done",
    ),
    (
        "resolved unacknowledged after the response deadline",
        {
            "status": "resolved",
            "resolved_at": ago(90),
            "response_due_at": ago(120),
            "resolution_due_at": ahead(300),
            "sla_paused_at": ago(90),
            "breached": True,
        },
        (STOPPED, True),
        (STOPPED, False),
        0,
        "Done",
    ),
    (
        "paused before its deadline, resolved after it",
        {
            "status": "resolved",
            "acknowledged_at": ago(200),
            "resolved_at": ago(60),
            "response_due_at": ago(100),
            "resolution_due_at": ago(90),
            "sla_paused_at": ago(120),  # pending from 10:00; due 10:30; resolved 11:00
        },
        (STOPPED, False),
        (STOPPED, False),
        2,
        "Done",
    ),
    (
        "no targets",
        {},
        (NONE, False),
        (NONE, False),
        2,
        "No deadline",
    ),
]


@pytest.fixture
def make(customer):
    def build(columns):
        fields = {"status": "new", "created_at": ago(180), **columns}
        return Ticket.objects.create(requester=customer, subject="s", description="d", **fields)

    return build


@pytest.mark.parametrize(
    "columns, response, resolution, rank, label",
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_every_reader_follows_the_clock_state(make, columns, response, resolution, rank, label):
    ticket = make(columns)
    got_response, got_resolution = clock_state.clock_states(ticket, NOW)
    assert (got_response.state, got_response.late) == response
    assert (got_resolution.state, got_resolution.late) == resolution

    row = Ticket.objects.filter(pk=ticket.pk).with_urgency(NOW).values("queue_rank", "next_due")
    assert (row[0]["queue_rank"], row[0]["next_due"]) == clock_state.urgency(ticket, NOW)
    assert row[0]["queue_rank"] == rank

    assert deadlines.badge(ticket, NOW).label == label
    # The drawn chart says the same of each clock.
    bars = {c.key: timeline._state(c, NOW) for c in timeline.ticket_clocks(ticket, NOW)}
    assert bars == {
        "response": timeline.CHART_STATES[response[0]],
        "resolution": timeline.CHART_STATES[resolution[0]],
    }


def test_the_portal_promises_only_a_running_first_response(make):
    running = make({"response_due_at": ahead(90)})
    assert status.hear_from_us(running, NOW).startswith("You'll hear from us by")
    for columns in (
        {"response_due_at": ago(5)},
        {"status": "resolved", "resolved_at": ago(10), "response_due_at": ahead(90)},
    ):
        assert status.hear_from_us(make(columns), NOW) == "You'll hear from us soon."


STATUSES = ["new", "open", "pending", "on_hold", "resolved", "closed"]


def _random_columns(rng):
    """A ticket's SLA columns in any combination the lifecycle can leave them."""
    moment = lambda: NOW + timedelta(minutes=rng.randint(-600, 600))  # noqa: E731
    maybe = lambda: moment() if rng.random() < 0.6 else None  # noqa: E731
    status_ = rng.choice(STATUSES)
    columns = {
        "status": status_,
        "response_due_at": maybe(),
        "resolution_due_at": maybe(),
        "acknowledged_at": maybe() if status_ != "new" else None,
        "breached": rng.random() < 0.2,
    }
    if status_ in ("pending", "on_hold", "resolved", "closed"):
        columns["sla_paused_at"] = moment()
    if status_ in ("resolved", "closed"):
        columns["resolved_at"] = moment()
    if rng.random() < 0.1:
        # Rows written before the clock kept its stop instant for resolved tickets.
        columns["sla_paused_at"] = None if status_ in ("resolved", "closed") else moment()
    return columns


def test_the_queue_order_agrees_with_the_clock_state_on_generated_tickets(make):
    rng = random.Random(20)
    tickets = [make(_random_columns(rng)) for _ in range(300)]
    rows = Ticket.objects.filter(pk__in=[t.pk for t in tickets]).with_urgency(NOW)
    sql = {pk: (rank, due) for pk, rank, due in rows.values_list("pk", "queue_rank", "next_due")}
    for ticket in tickets:
        assert sql[ticket.pk] == clock_state.urgency(ticket, NOW), ticket.__dict__
    # And the queue's order is the rule's order.
    expected = sorted(
        tickets,
        key=lambda t: (
            clock_state.urgency(t, NOW)[0],
            clock_state.urgency(t, NOW)[1] is None,
            clock_state.urgency(t, NOW)[1] or NOW,
            t.created_at,
            t.pk,
        ),
    )
    assert list(rows.values_list("pk", flat=True)) == [t.pk for t in expected]
