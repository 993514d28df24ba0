"""Firings that move their tickets are fired in bulk: constant queries, later firings re-planned."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from escalation import engine
from escalation.models import Firing
from escalation.models.terms import frozen_terms
from incidents.models import Membership, TicketEvent

from .sla_setup import HOUR, berlin, escalation_policy, office_calendar, sla_policy

pytestmark = pytest.mark.django_db


def queries_to_fire(now):
    """(fired, queries other than inserts, inserts): SQLite splits a bulk insert at its limit
    of bound variables, so only the inserts may grow, and only by a split."""
    ids = engine.claim_due(now=now)
    with CaptureQueriesContext(connection) as ctx:
        fired = engine.fire_many(ids, now=now)
    inserts = sum(q["sql"].startswith("INSERT") for q in ctx.captured_queries)
    return fired, len(ctx.captured_queries) - inserts, inserts


@pytest.fixture
def moving_policy(make_user, teams):
    """Level 1 moves the ticket to tier 2 and raises it to P2; level 2 waits for the response
    deadline, which the raise moves (P3: 1 business hour, P2: 8)."""
    calendar = office_calendar()
    policy = sla_policy(calendar, priorities=())
    policy.targets.create(priority="P3", first_response_seconds=HOUR, resolution_seconds=16 * HOUR)
    policy.targets.create(
        priority="P2", first_response_seconds=8 * HOUR, resolution_seconds=16 * HOUR
    )
    for n, team in enumerate((teams["desk"], teams["apps"])):
        lead = make_user(f"lead-{n}", role="agent")
        Membership.objects.create(user=lead, team=team, role="lead")
    escalation_policy(
        [
            {
                "anchor": "created",
                "offset_seconds": 1800,
                "notify": ["team_leads"],
                "reassign_to": teams["apps"],
                "set_priority": "P2",
            },
            {"anchor": "response_due", "offset_seconds": 0, "notify": ["team_leads"]},
        ],
        repeat=1,
        interval=HOUR,
    )
    return teams


def open_many(make_ticket, customer, team, count, first):
    # Half a second apart: each ticket has its own due times, and all fire within LATE_AFTER.
    return [
        make_ticket(customer, team=team, at=first + timedelta(milliseconds=500 * n))
        for n in range(count)
    ]


def test_a_batch_of_40_moving_firings_costs_the_same_queries_as_a_batch_of_10(
    moving_policy, make_ticket, customer
):
    desk = moving_policy["desk"]
    # Both batches find tier 2's P2 terms kept (the first re-freeze would otherwise read them).
    frozen_terms(moving_policy["apps"].pk, "P2")
    small_batch = open_many(make_ticket, customer, desk, 10, berlin(2025, 6, 2, 10, 0))
    small = queries_to_fire(berlin(2025, 6, 2, 10, 30, 20))
    large_batch = open_many(make_ticket, customer, desk, 40, berlin(2025, 6, 2, 10, 32))
    large = queries_to_fire(berlin(2025, 6, 2, 11, 2, 20))
    assert (small[0], large[0]) == (10, 40)
    assert large[1] == small[1], (small, large)
    assert large[2] <= small[2] + 1, (small, large)
    for ticket in small_batch + large_batch:
        ticket.refresh_from_db()
        assert (ticket.team, ticket.priority, ticket.escalation_level) == (
            moving_policy["apps"],
            "P2",
            1,
        )
        kinds = set(TicketEvent.objects.filter(ticket=ticket).values_list("kind", flat=True))
        assert {"team_changed", "priority_changed", "escalated"} <= kinds
        # Re-planned on the P2 targets: the response deadline is 8 business hours out.
        assert ticket.response_due_at == ticket.created_at + timedelta(days=1)
    assert queries_to_fire(berlin(2025, 6, 2, 11, 2, 20))[0] == 0


def test_a_firing_claimed_with_the_move_is_judged_on_the_new_plan(
    moving_policy, make_ticket, customer
):
    ticket = make_ticket(customer, team=moving_policy["desk"], at=berlin(2025, 6, 2, 10, 0))
    # At 11:30 both the move (10:30) and the P3 response level (11:00) are due, in one batch.
    ids = engine.claim_due(now=berlin(2025, 6, 2, 11, 30))
    assert len(ids) >= 2
    engine.fire_many(ids, now=berlin(2025, 6, 2, 11, 30))
    ticket.refresh_from_db()
    assert ticket.priority == "P2"
    levels = Firing.objects.filter(ticket=ticket, kind="level", level=2, repeat=0)
    # The old deadline's level was never sent: the raise moved it to the P2 deadline (one row:
    # a firing is its ticket, policy, level and repeat, whatever its deadline).
    assert set(levels.values_list("state", "due_at")) == {
        (Firing.State.PENDING, berlin(2025, 6, 3, 10, 0)),
    }
    moved = levels.get()
    assert not ticket.notifications.filter(cause=f"firing:{moved.pk}").exists()
