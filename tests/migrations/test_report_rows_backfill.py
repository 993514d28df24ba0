"""escalation 0027 fills the copies a report counts a ticket by (escalation/figures.py
`copies`) and the count of its escalations on clocks kept before them, as the reaction
keeps them: a new ticket still running, one past its first-response due time, acknowledged,
pending, resolved, moved and escalated."""

import importlib
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from escalation.figures import COPIES
from escalation.models import TicketClock
from tests.escalation.sla_setup import HOUR, office_calendar, sla_policy

pytestmark = pytest.mark.django_db
backfill = importlib.import_module("escalation.migrations.0027_report_rows").backfill
KEPT = ["ticket_id", *COPIES, "escalations"]
T0 = datetime(2026, 3, 9, 8, tzinfo=UTC)  # Monday 09:00 Berlin


def test_older_clocks_get_the_copies_the_reaction_keeps(
    teams, make_ticket, customer, agent, supervisor
):
    sla_policy(office_calendar(), response=4 * HOUR, resolution=16 * HOUR)
    opened = [
        make_ticket(customer, team=teams["desk"], at=T0 + timedelta(minutes=n)) for n in range(6)
    ]
    _running, late, acknowledged, pending, resolved, moved = opened
    later = T0 + timedelta(days=1)
    late.add_reply(customer, "Anyone?", at=later)
    acknowledged.acknowledge(agent, at=T0 + timedelta(hours=1))
    pending.acknowledge(agent, at=T0 + timedelta(hours=1))
    pending.change_status(agent, "pending", at=T0 + timedelta(hours=2))
    resolved.resolve(agent, at=T0 + timedelta(hours=3))
    moved.escalate(supervisor, "Needs the next tier", at=T0 + timedelta(hours=1))
    moved.refresh_from_db()
    moved.move_to_team(supervisor, teams["desk"], at=T0 + timedelta(hours=2))
    moved.refresh_from_db()
    moved.escalate(supervisor, "Still stuck", at=T0 + timedelta(hours=3))
    clocks = TicketClock.objects.order_by("ticket_id")
    kept = list(clocks.values(*KEPT))
    assert [row["escalations"] for row in kept] == [0, 0, 0, 0, 0, 2]
    # Running: the new ones' first-response clocks; stopped: the others'.
    assert [row["response_due_running"] is not None for row in kept] == [1, 1, 0, 0, 0, 1]
    assert [row["resolution_due_running"] is not None for row in kept] == [1, 1, 1, 0, 0, 1]
    clocks.update(
        deadline=None, team=None, priority="", response_due_running=None,
        resolution_due_running=None, escalations=0,
    )  # fmt: skip
    backfill(apps, SimpleNamespace(connection=connection))
    assert list(clocks.values(*KEPT)) == kept
