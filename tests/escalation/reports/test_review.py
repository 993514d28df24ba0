"""Found reviewing escalation/reports/ (issue 26): CSV cells a spreadsheet would run as
formulas, and filters at the edges of the calendar that crashed instead of answering 400."""

import csv
import io

import pytest

from escalation.reports.csv import to_csv

pytestmark = pytest.mark.django_db

REPORTS = ["sla", "escalations", "backlog", "agents"]


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_cell_a_spreadsheet_would_run_is_neutralised(cell):
    text = to_csv(["reason"], [{"reason": cell}])
    (_header, (written,)) = list(csv.reader(io.StringIO(text)))
    assert written == "'" + cell


def test_numbers_and_plain_text_are_left_as_they_are():
    text = to_csv(["a", "b", "c"], [{"a": -3, "b": "Service Desk", "c": None}])
    assert list(csv.reader(io.StringIO(text)))[1] == ["-3", "Service Desk", ""]


EDGES = ["to=0001-01-01", "from=9999-12-31&to=9999-12-31"]


@pytest.mark.parametrize("report", REPORTS)
@pytest.mark.parametrize("query", EDGES)  # before year 1, after year 9999: OverflowError
def test_a_period_at_the_edges_of_the_calendar_is_a_field_error(api, supervisor, report, query):
    response = api(supervisor).get(f"/api/reports/{report}/?{query}")
    assert response.status_code == 400, response.content[:300]
    assert "to" in response.json()


@pytest.mark.parametrize(
    "query, field",
    [
        ("team=99999999999999999999999", "team"),  # beyond any integer column
        ("team=-1", "team"),
        ("team=1.5", "team"),
        ("from=2026-02-30", "from"),
    ],
)
def test_odd_filters_are_field_errors(api, supervisor, query, field):
    response = api(supervisor).get(f"/api/reports/sla/?{query}")
    assert response.status_code == 400, response.content[:300]
    assert field in response.json()


@pytest.mark.parametrize("query", EDGES)
def test_the_dashboard_says_so_beside_the_input(client, supervisor, query):
    client.force_login(supervisor)
    response = client.get(f"/desk/dashboard/?{query}")
    assert response.status_code == 400
    assert "Choose a period" in response.content.decode()
