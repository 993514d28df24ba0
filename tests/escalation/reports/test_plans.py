"""The reports find a period's tickets as a range of clock_report_idx, the one narrow row each
ticket's clock keeps, reading no ticket and no clock row (docs/reports.md, docs/benchmarks.md):
a column read that the index does not hold, or a join to the tickets, fails here."""

import pytest
from django.db import connection, transaction
from django.db.models import Count, Sum

from escalation import figures
from escalation.reports.agents import slots_in
from escalation.reports.sla import ROWS
from escalation.reports.tickets import counted
from escalation.work import slot_of

from .conftest import period

pytestmark = pytest.mark.django_db


def plan(queryset):
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A test database is tiny: forbid the sequential scan a planner would rightly choose.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(str(row) for row in cursor.fetchall())


def test_the_period_is_a_range_of_the_clocks_report_index_and_no_ticket_is_read():
    tickets = counted(period("2026-03-01", "2026-03-31", priority="P3"))
    found = plan(tickets.values_list(*ROWS[0], *figures.REPORTED, "escalations"))
    assert "clock_report_idx" in found
    if connection.vendor == "sqlite":  # a range of the index; the drills from their own index
        assert "SEARCH escalation_ticketclock USING COVERING INDEX clock_report_idx" in found
        assert "SCAN U0 USING INDEX ticket_drill_idx" in found
    else:
        assert "Index Only Scan using clock_report_idx" in found
        assert "ticket_drill_idx" in found
    # The tickets are read only for the drills' ids (the subquery U0), never joined.
    tickets_read = [line for line in found.splitlines() if "incidents_ticket " in line]
    assert all(" u0 " in line.lower() for line in tickets_read), tickets_read


def test_the_agents_report_is_a_range_of_the_work_slots_index_and_no_ticket_is_read():
    chosen = period("2026-03-01", "2026-03-31")
    first = slot_of(chosen.start)
    slots = slots_in(chosen, first, {1: "someone"})
    found = plan(slots.values("agent").annotate(n=Count("slot"), r=Sum("resolutions")))
    if connection.vendor == "sqlite":
        assert "SEARCH escalation_workslot USING COVERING INDEX work_slot_report_idx" in found
    else:
        assert "Index Only Scan using work_slot_report_idx" in found
    tickets_read = [line for line in found.splitlines() if "incidents_ticket " in line]
    assert all(" u0 " in line.lower() for line in tickets_read), tickets_read
