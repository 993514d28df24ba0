"""escalation 0028 fills the people's slots of work (escalation/work.py) from the events kept
before them, in one statement, as the reaction keeps them: acknowledgements, replies and notes
in one quarter-hour and across several, work written out of order, resolutions undone by a
later reopening (a requester's) and one not, the engine's events and a requester's work."""

import importlib
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from escalation.models import WorkSlot
from escalation.work import COLUMNS
from tests.escalation.sla_setup import HOUR, sla_policy

pytestmark = pytest.mark.django_db
backfill = importlib.import_module("escalation.migrations.0028_work_slots_from_events").backfill
T0 = datetime(2026, 3, 9, 8, 7, 30, 250000, tzinfo=UTC)  # not on a quarter-hour


def test_older_events_give_the_slots_the_reaction_keeps(
    teams, make_ticket, customer, agent, lead, supervisor
):
    sla_policy(None, response=4 * HOUR, resolution=16 * HOUR)
    quick, slow, undone = [
        make_ticket(customer, team=teams["desk"], at=T0 + timedelta(minutes=n)) for n in range(3)
    ]
    quick.acknowledge(agent, at=T0 + timedelta(minutes=3))
    quick.add_reply(agent, "On it", internal=True, at=T0 + timedelta(minutes=7, seconds=29))
    quick.resolve(agent, at=T0 + timedelta(minutes=8))
    slow.add_reply(lead, "Looking", at=T0 + timedelta(days=2))
    slow.add_reply(lead, "Earlier", internal=True, at=T0 + timedelta(hours=5))
    slow.assign(supervisor, lead, at=T0 + timedelta(hours=1))
    slow.record("escalated", at=T0 + timedelta(hours=2), warning=False, repeat=0, level=1)
    undone.acknowledge(agent, at=T0 + timedelta(hours=1))
    undone.resolve(agent, at=T0 + timedelta(hours=2))
    undone.add_reply(customer, "Still broken", at=T0 + timedelta(hours=3))  # reopens it
    undone.refresh_from_db()
    undone.resolve(lead, at=T0 + timedelta(hours=4))
    kept = sorted(WorkSlot.objects.values_list(*COLUMNS, named=True))
    assert sum(row.resolutions for row in kept) == 3
    assert sum(row.reopened for row in kept) == 1  # the first, undone by the reopening
    assert [row.agent_id for row in kept].count(customer.pk) == 1  # reply and reopening: one slot
    WorkSlot.objects.all().delete()
    backfill(apps, SimpleNamespace(connection=connection))
    assert sorted(WorkSlot.objects.values_list(*COLUMNS, named=True)) == kept
