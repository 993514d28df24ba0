"""/api/reports/escalations/, /backlog/ and /agents/: scoped, as JSON and CSV."""

import csv
import io

import pytest

pytestmark = pytest.mark.django_db
MARCH = "?from=2026-03-01&to=2026-03-31"


def read_csv(response):
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


@pytest.mark.parametrize("report", ["escalations", "backlog", "agents"])
def test_each_report_answers_json_and_csv(api, supervisor, dataset, report):
    client = api(supervisor)
    rows = client.get(f"/api/reports/{report}/{MARCH}").json()["rows"]
    assert rows
    lines = read_csv(client.get(f"/api/reports/{report}/{MARCH}&format=csv"))
    assert [line[next(iter(rows[0]))] for line in lines] == [str(r[next(iter(r))]) for r in rows]


def test_escalation_tables_as_csv(api, supervisor, dataset):
    client = api(supervisor)
    url = f"/api/reports/escalations/{MARCH}&format=csv"
    (handoff,) = read_csv(client.get(url + "&table=handoffs"))
    assert (handoff["from_team_name"], handoff["to_team_name"], handoff["manual"]) == (
        "Service Desk",
        "Application Support",
        "1",
    )
    (manual,) = read_csv(client.get(url + "&table=manual"))
    assert manual["reason"] == "Needs the application team"
    refused = client.get(url + "&table=nothing")
    assert refused.status_code == 400 and "table" in refused.json()


@pytest.mark.parametrize("report", ["escalations", "backlog", "agents"])
def test_scoped_by_role(api, lead, agent, customer, dataset, report):
    assert api(agent).get(f"/api/reports/{report}/").status_code == 403
    assert api(customer).get(f"/api/reports/{report}/").status_code == 403
    assert api(lead).get(f"/api/reports/{report}/{MARCH}").status_code == 200


def test_a_lead_sees_their_teams_backlog_only(api, lead, dataset):
    rows = api(lead).get("/api/reports/backlog/").json()["rows"]
    assert {r["team_name"] for r in rows} == {"Service Desk"}


def test_the_sla_report_over_time_as_csv(api, supervisor, dataset):
    url = "/api/reports/sla/?from=2026-03-01&to=2026-03-31&format=csv&table=trends"
    lines = read_csv(api(supervisor).get(url))
    # Weeks from Monday, the first cut to the period: 1 March is a Sunday.
    assert [line["starts"] for line in lines][:2] == ["2026-03-01", "2026-03-02"]
    assert sum(int(line["tickets"]) for line in lines) == 35
