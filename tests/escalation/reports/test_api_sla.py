"""GET /api/reports/sla/: the SPEC's rows as JSON or CSV, filtered, scoped by role."""

import csv
import io

import pytest
from django.db import connection

from incidents.models import Membership

pytestmark = pytest.mark.django_db

MARCH = "/api/reports/sla/?from=2026-03-01&to=2026-03-31"
SPEC_KEYS = {
    "team",
    "priority",
    "tickets",
    "response_met",
    "response_missed",
    "resolution_met",
    "resolution_missed",
    "escalations",
    "mtta_median_seconds",
    "mtta_p90_seconds",
    "mttr_median_seconds",
    "mttr_p90_seconds",
}


def test_a_supervisor_reads_every_teams_rows(api, supervisor, dataset, teams):
    body = api(supervisor).get(MARCH).json()
    assert (body["from"], body["to"]) == ("2026-03-01", "2026-03-31")
    assert set(body["rows"][0]) >= SPEC_KEYS
    found = {(r["team"], r["priority"]): r for r in body["rows"]}
    assert len(found) == 5
    apps = found[teams["apps"].pk, "P3"]
    assert (apps["tickets"], apps["mtta_median_seconds"], apps["mttr_p90_seconds"]) == (
        5,
        10800,
        72000,
    )


def test_csv_gives_the_same_rows(api, supervisor, dataset):
    client = api(supervisor)
    rows = client.get(MARCH).json()["rows"]
    response = client.get(MARCH + "&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="sla-2026-03-01-2026-03-31.csv"' in response["Content-Disposition"]
    read = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(read) == len(rows) == 5
    for line, row in zip(read, rows, strict=True):
        assert line == {k: "" if v is None else str(v) for k, v in row.items()}


def test_team_and_priority_filters(api, supervisor, dataset, teams):
    url = f"{MARCH}&team={teams['desk'].pk}&priority=P2"
    rows = api(supervisor).get(url).json()["rows"]
    assert [(r["team_name"], r["priority"], r["tickets"]) for r in rows] == [
        ("Service Desk", "P2", 8)
    ]


def test_a_lead_reads_the_teams_they_lead_only(api, lead, dataset, teams):
    client = api(lead)  # leads the Service Desk
    rows = client.get(MARCH).json()["rows"]
    assert {r["team_name"] for r in rows} == {"Service Desk"}
    refused = client.get(f"{MARCH}&team={teams['apps'].pk}")
    assert refused.status_code == 400
    assert "team" in refused.json()


def test_agents_and_customers_may_not(api, agent, customer, dataset):
    assert api(agent).get(MARCH).status_code == 403
    assert api(customer).get(MARCH).status_code == 403
    assert api(None).get(MARCH).status_code in (401, 403)


def test_a_lead_of_no_team_any_more_may_not(api, lead, dataset):
    Membership.objects.filter(user=lead).update(role="agent")
    assert api(lead).get(MARCH).status_code == 403


@pytest.mark.parametrize(
    "query, field",
    [
        ("from=2026-13-01", "from"),
        ("from=2026-03-31&to=2026-03-01", "to"),
        ("from=2024-01-01&to=2026-03-01", "to"),
        ("priority=P9", "priority"),
        ("team=abc", "team"),
        ("format=xml", "format"),
    ],
)
def test_bad_filters_are_field_errors_in_json(api, supervisor, query, field):
    for suffix in ("", "&format=csv") if field != "format" else ("",):
        response = api(supervisor).get(f"/api/reports/sla/?{query}{suffix}")
        assert response.status_code == 400
        assert field in response.json()


@pytest.mark.django_db(transaction=True)
def test_queries_do_not_grow_with_the_tickets(
    api, supervisor, dataset, django_assert_max_num_queries
):
    """Counted outside a test's transaction, as a request runs: the report's own block is then
    the transaction, and its rollback (stats.grouped) no savepoint statement. PostgreSQL
    ranks the percentiles from the days of sorted figures: three queries more, as many for any
    number of tickets (the days, the pieces of days a Berlin reader's month cuts, the drills)."""
    client = api(supervisor)
    ranked = 3 if connection.vendor == "postgresql" else 0
    with django_assert_max_num_queries(8 + ranked):
        assert client.get(MARCH).status_code == 200
