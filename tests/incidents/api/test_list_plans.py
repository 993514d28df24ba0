"""An agent's filtered lists find each branch of visible_to on an index that holds the filter
(issue 11): the column filters are applied before visible_to, which copies them into its
branches. Checked on SQLite's plan; the same SQL serves PostgreSQL's BitmapOr."""

import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents.models import Membership
from tests.conftest import rows_for_several_tests

pytestmark = [
    pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plan"),
    pytest.mark.django_db,
]


def plans(client, url):
    """The plan of each query of the request that reads the ticket table's ids."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    found = []
    for query in captured.captured_queries:
        if 'FROM "incidents_ticket"' in query["sql"] and "COUNT" not in query["sql"]:
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
                found.append("\n".join(row[-1] for row in cursor.fetchall()))
    return found


@pytest.fixture(scope="module")
def benched(django_db_setup, django_db_blocker):
    """Enough tickets, with statistics, for SQLite to plan as it does at 100k: seed_bench's
    teams, agents and mix of breached and unassigned tickets (it runs ANALYZE). Made once for
    the tests here, which only read them."""
    with rows_for_several_tests(django_db_blocker):
        call_command("seed_bench", "5000", stdout=None)
        yield


@pytest.fixture
def listed(benched, api, db):
    agent = Membership.objects.filter(team__tier=1, role="agent").order_by("pk").first().user
    return agent, api(agent)


@pytest.mark.parametrize(
    ("url", "index"),
    [
        ("/api/tickets/?breached=true", "ticket_team_breached_idx"),
        ("/api/tickets/?unassigned=true", "ticket_team_unassigned_idx"),
    ],
)
def test_the_team_branch_reads_only_the_filtered_tickets(listed, url, index):
    ids_query = plans(listed[1], url)[0]
    assert "MULTI-INDEX OR" in ids_query
    assert f"USING INDEX {index} (team_id=?)" in ids_query


def test_the_desk_unassigned_view_finds_the_teams_unassigned_tickets(client, listed):
    client.force_login(listed[0])
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/desk/?view=unassigned").status_code == 200
    sql = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].startswith('SELECT "incidents_ticket"."id"') and "IS NULL" in q["sql"]
    ]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql[0])
        plan = "\n".join(row[-1] for row in cursor.fetchall())
    # The team's active unassigned tickets, from an index on (team, …) that holds the filter,
    # not every unassigned ticket of every team from the assignee's index.
    assert re.search(
        r"INDEX 1\nSEARCH incidents_ticket USING INDEX ticket_team_\w+ \(team_id=", plan
    )
