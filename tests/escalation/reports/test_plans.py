"""The reports find a period's tickets as a range of ticket_report_deadline_idx, reading no
ticket row (docs/reports.md, docs/benchmarks.md): a change to the deadline expression, or a
column read that the index does not hold, fails here. (Whether the clocks' figures come from
clock_report_figures_idx depends on ANALYZE statistics, which a test database does not have.)"""

import pytest
from django.db import connection, transaction

from escalation.reports.sla import ROWS
from escalation.reports.tickets import TIMES, counted

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


def test_the_period_is_a_range_of_the_report_index_and_the_clocks_its_figures():
    tickets = counted(period("2026-03-01", "2026-03-31"))
    found = plan(tickets.values_list(*ROWS[0], *TIMES))
    assert "ticket_report_deadline_idx" in found
    if connection.vendor == "sqlite":  # a range of the index, no ticket row read
        assert "SEARCH incidents_ticket USING COVERING INDEX ticket_report_deadline_idx" in found
