"""escalation 0017 fills the report figures of clocks kept before them, as the reaction would
have: the stood-still totals from the status changes, then the outcomes and times."""

import importlib
from datetime import UTC, datetime

import pytest
from django.apps import apps

from escalation.figures import FIELDS
from escalation.models import TicketClock
from tests.escalation.sla_setup import HOUR, office_calendar, sla_policy

pytestmark = pytest.mark.django_db
backfill = importlib.import_module("escalation.migrations.0017_backfill_report_figures").backfill
KEPT = ["stood_microseconds", "stood_wall_microseconds", *FIELDS]


def test_older_clocks_get_the_figures_the_reaction_keeps(teams, make_ticket, customer, agent):
    sla_policy(office_calendar(), response=4 * HOUR, resolution=16 * HOUR)
    ticket = make_ticket(customer, team=teams["desk"], at=datetime(2026, 3, 6, 14, tzinfo=UTC))
    ticket.acknowledge(agent, at=datetime(2026, 3, 9, 9, tzinfo=UTC))
    ticket.change_status(agent, "pending", at=datetime(2026, 3, 9, 10, tzinfo=UTC))
    ticket.change_status(agent, "open", at=datetime(2026, 3, 10, 8, tzinfo=UTC))
    ticket.resolve(agent, at=datetime(2026, 3, 10, 11, tzinfo=UTC))
    kept = TicketClock.objects.filter(ticket=ticket).values(*KEPT).get()
    assert kept["resolve_seconds"] == 7 * HOUR
    TicketClock.objects.filter(ticket=ticket).update(
        stood_microseconds=0, stood_wall_microseconds=0, response_outcome="",
        resolution_outcome="", acknowledge_seconds=None, acknowledge_wall_seconds=None,
        resolve_seconds=None, resolve_wall_seconds=None,
    )  # fmt: skip
    backfill(apps, None)
    assert TicketClock.objects.filter(ticket=ticket).values(*KEPT).get() == kept
