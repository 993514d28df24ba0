"""Configuration kept per process under a stamp that database triggers replace (issue 11)."""

import re

import pytest
from django.db import connection, transaction

from dbtools import configuration
from escalation.models import SLATarget, TicketClock
from escalation.models.terms import escalation_policies, sla_policies
from incidents.models import ConfigurationStamp, PriorityMatrixEntry, Team, Ticket
from tests.escalation.sla_setup import HOUR, sla_policy

pytestmark = pytest.mark.django_db


def stamp():
    return configuration.current_stamp()


def test_every_watched_table_has_the_trigger_after_migrate():
    watched = {model._meta.db_table for model in configuration.WATCHED}
    assert {"incidents_team", "escalation_slatarget", "escalation_holiday"} <= watched
    assert watched <= configuration.triggered_tables()


def test_every_table_the_kept_queries_read_is_watched():
    """A table read under the stamp but not watched would be kept stale for ever."""
    sql = " ".join(
        query().query.sql_with_params()[0] for query in (sla_policies, escalation_policies)
    )
    read = set(re.findall(r'(?:FROM|JOIN) "(\w+)"', sql))
    assert "escalation_openinghours" in read
    assert read <= {model._meta.db_table for model in configuration.WATCHED}


@pytest.mark.parametrize(
    "change",
    [
        lambda team: Team.objects.create(name="Field", slug="field", tier=1),
        lambda team: Team.objects.filter(pk=team.pk).update(tier=2),
        lambda team: team.delete(),
        lambda team: PriorityMatrixEntry.objects.bulk_create(
            [PriorityMatrixEntry(impact="low", urgency="low", priority="P1")],
            ignore_conflicts=True,  # INSERT OR IGNORE: the trigger must still replace the stamp
        ),
    ],
    ids=["insert", "queryset update", "delete", "insert or ignore"],
)
def test_any_write_to_a_watched_table_replaces_the_stamp(teams, change):
    before = stamp()
    change(teams["eng"])
    assert stamp() not in (None, before)


def test_raw_sql_replaces_the_stamp(teams):
    before = stamp()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE incidents_team SET tier = tier WHERE slug = 'engineering'")
    assert stamp() != before


def test_the_intake_team_follows_a_change_made_behind_the_models_back(teams):
    assert Team.intake().pk == teams["desk"].pk  # the flagged one, and now kept
    Team.objects.filter(pk=teams["desk"].pk).update(is_intake=False)
    Team.objects.filter(pk=teams["apps"].pk).update(is_intake=True)
    assert Team.intake().pk == teams["apps"].pk


def test_each_caller_gets_its_own_team_instance(teams):
    first, second = Team.intake(), Team.intake()
    assert first == second and first is not second
    first.name = "Changed in one request"
    assert Team.intake().name == "Service Desk"


def test_the_matrix_follows_an_edit(db):
    assert PriorityMatrixEntry.priority_for("low", "low") == "P4"  # ITIL, and now kept
    PriorityMatrixEntry.objects.create(impact="low", urgency="low", priority="P2")
    assert PriorityMatrixEntry.priority_for("low", "low") == "P2"


def test_a_change_rolled_back_is_not_kept(teams):
    assert PriorityMatrixEntry.priority_for("high", "high") == "P1"
    with pytest.raises(RuntimeError), transaction.atomic():
        PriorityMatrixEntry.objects.create(impact="high", urgency="high", priority="P4")
        assert PriorityMatrixEntry.priority_for("high", "high") == "P4"  # kept, under its stamp
        raise RuntimeError("the admin's save failed")
    assert PriorityMatrixEntry.priority_for("high", "high") == "P1"


def test_a_new_ticket_freezes_the_target_as_it_is_now(customer, teams):
    policy = sla_policy(response=4 * HOUR)

    def response_target():
        ticket = Ticket.open_ticket(
            requester=customer, subject="VPN", description="Drops", team=teams["desk"]
        )
        return TicketClock.objects.get(ticket=ticket).response_target_seconds

    assert response_target() == 4 * HOUR
    SLATarget.objects.filter(policy=policy).update(first_response_seconds=HOUR)
    assert response_target() == HOUR


def test_without_a_stamp_nothing_is_kept(db):
    ConfigurationStamp.objects.all().delete()
    loads = []
    for _ in range(2):
        configuration.cached("probe", lambda: loads.append(1))
    assert len(loads) == 2
    PriorityMatrixEntry.objects.create(impact="low", urgency="low", priority="P2")
    assert stamp() is not None  # the trigger puts the row back


def test_a_block_reads_the_stamp_once_and_the_next_block_sees_a_change(
    teams, django_assert_num_queries
):
    assert PriorityMatrixEntry.priority_for("low", "low") == "P4"
    Team.intake()
    with configuration.read_once():
        with django_assert_num_queries(1):  # the stamp, then both answers kept under it
            Team.intake()
            assert PriorityMatrixEntry.priority_for("low", "low") == "P4"
        with configuration.read_once(), django_assert_num_queries(0):  # nested: the same read
            Team.intake()
    PriorityMatrixEntry.objects.create(impact="low", urgency="low", priority="P2")
    with configuration.read_once():
        assert PriorityMatrixEntry.priority_for("low", "low") == "P2"


def test_opening_a_ticket_reads_the_stamp_once(customer, teams):
    Ticket.open_ticket(requester=customer, subject="Warm", description="the kept configuration")
    reads = []
    with connection.execute_wrapper(
        lambda execute, sql, *args: reads.append(sql) or execute(sql, *args)
    ):
        Ticket.open_ticket(requester=customer, subject="VPN", description="Drops")
    assert sum(configuration.STAMP_TABLE in sql for sql in reads) == 1
    assert len(reads) > 5  # the ticket, its event, its clock, its firings, its receipt
