"""escalation.reactions.keep_clocks: the clocks of every ticket a batch of events starts, stops,
pauses or moves are brought up to date, once per ticket and instant, in few queries."""

from datetime import UTC, datetime

import pytest

from escalation.models import Firing, TicketClock
from escalation.reactions import keep_clocks
from incidents.models import TicketEvent

from .sla_setup import HOUR, escalation_policy, sla_policy

pytestmark = pytest.mark.django_db

T0 = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def policies(teams):
    sla_policy(None, response=2 * HOUR, resolution=8 * HOUR)
    apps = escalation_policy(
        [{"anchor": "created", "offset_seconds": HOUR // 2, "notify": ["team"]}], name="Apps"
    )
    apps.teams.set([teams["apps"]])
    return teams


def test_a_new_ticket_gets_its_clock_due_times_and_firings(policies, make_ticket, customer):
    ticket = make_ticket(customer, team=policies["desk"], at=T0)
    clock = TicketClock.objects.get(ticket=ticket)
    assert clock.response_target_seconds == 2 * HOUR
    assert ticket.response_due_at == datetime(2025, 6, 2, 11, 0, tzinfo=UTC)
    assert Firing.objects.filter(ticket=ticket, kind="response_breach").exists()


def test_a_batch_of_moves_refreezes_each_ticket_once_and_passes_over_the_past(
    policies, make_ticket, customer, django_assert_max_num_queries
):
    tickets = [make_ticket(customer, team=policies["desk"], at=T0) for _ in range(5)]
    moved_at = datetime(2025, 6, 2, 10, 0, tzinfo=UTC)
    events = []
    for ticket in tickets:
        ticket.team = policies["apps"]
        ticket.save(update_fields=["team"])
        events.append(
            TicketEvent(
                ticket=ticket,
                kind="team_changed",
                at=moved_at,
                before={"team": policies["desk"].pk},
                after={"team": policies["apps"].pk},
                data={"escalation": True, "level": 1},
            )
        )
    TicketEvent.objects.bulk_create(events)
    with django_assert_max_num_queries(12):
        keep_clocks(events)
    passed = Firing.objects.filter(ticket__in=tickets, state=Firing.State.PASSED)
    assert passed.count() == 5
    assert {f.outcome["why"] for f in passed} == {"the ticket was escalated to Application Support"}
    assert TicketClock.objects.filter(ticket__in=tickets, frozen_at=moved_at).count() == 5


def test_events_that_do_not_touch_a_clock_are_left_alone(
    policies, make_ticket, customer, django_assert_num_queries
):
    ticket = make_ticket(customer, team=policies["desk"], at=T0)
    notes = [
        TicketEvent(ticket=ticket, kind=kind, at=T0) for kind in ("note_added", "replied", "rated")
    ]
    with django_assert_num_queries(0):
        keep_clocks(notes)


def test_a_pause_and_a_priority_change_at_one_instant_are_one_refresh(
    policies, make_ticket, customer, supervisor
):
    ticket = make_ticket(customer, team=policies["desk"], at=T0)
    at = datetime(2025, 6, 2, 9, 30, tzinfo=UTC)
    ticket.status = "pending"
    ticket.save(update_fields=["status"])
    events = [
        TicketEvent(ticket=ticket, kind="status_changed", at=at, after={"status": "pending"}),
        TicketEvent(ticket=ticket, kind="priority_changed", at=at, after={"priority": "P3"}),
    ]
    keep_clocks(events)
    clock = TicketClock.objects.get(ticket=ticket)
    assert (clock.paused_since, clock.frozen_at) == (at, at)
    ticket.refresh_from_db()
    assert ticket.sla_paused_at == at
