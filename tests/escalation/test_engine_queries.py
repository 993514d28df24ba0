"""Firing costs a constant number of queries: not per recipient, not per firing in a batch."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from escalation import engine
from incidents.models import Membership

from .sla_setup import HOUR, berlin, escalation_policy, sla_policy

pytestmark = pytest.mark.django_db

DUE = berlin(2025, 6, 2, 13, 0)


def queries_to_fire(now):
    ids = engine.claim_due(now=now)
    with CaptureQueriesContext(connection) as ctx:
        fired = engine.fire_many(ids, now=now)
    return fired, len(ctx.captured_queries)


def team_of(make_user, team, size):
    for n in range(size):
        user = make_user(f"{team.slug}-member-{n}", role="agent")
        Membership.objects.create(user=user, team=team, role="lead" if n == 0 else "agent")


def test_a_level_notifying_a_team_costs_the_same_for_2_or_20_members(
    make_user, make_ticket, customer, teams
):
    sla_policy(None, response=HOUR, resolution=4 * HOUR)
    escalation_policy([{"anchor": "created", "offset_seconds": 1800, "notify": ["team"]}])
    team_of(make_user, teams["desk"], 2)
    team_of(make_user, teams["apps"], 20)
    make_ticket(customer, team=teams["desk"], at=berlin(2025, 6, 2, 12, 30))
    small = queries_to_fire(DUE)
    ticket = make_ticket(customer, team=teams["apps"], at=berlin(2025, 6, 2, 12, 31))
    large = queries_to_fire(berlin(2025, 6, 2, 13, 1))
    assert (small[0], large[0]) == (1, 1)
    assert large[1] == small[1], (small, large)
    assert ticket.notifications.filter(kind="escalated").count() == 20


def test_a_batch_of_40_firings_costs_the_same_queries_as_a_batch_of_4(
    make_user, make_ticket, customer, teams
):
    sla_policy(None, response=HOUR, resolution=4 * HOUR)
    escalation_policy(
        [{"anchor": "created", "offset_seconds": 1800, "notify": ["team_leads", "supervisors"]}]
    )
    team_of(make_user, teams["desk"], 3)
    make_user("boss", role="supervisor")
    for _ in range(4):
        make_ticket(customer, team=teams["desk"], at=berlin(2025, 6, 2, 12, 30))
    small = queries_to_fire(DUE)
    for _ in range(40):
        make_ticket(customer, team=teams["desk"], at=berlin(2025, 6, 2, 12, 31))
    large = queries_to_fire(berlin(2025, 6, 2, 13, 1))
    assert (small[0], large[0]) == (4, 40)
    # Ten times the firings: the same queries, but for SQLite splitting a bulk insert of the
    # 80 outbox rows at its bound-variable limit.
    assert large[1] <= small[1] + 2, (small, large)
