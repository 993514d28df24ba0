"""/desk/dashboard/: supervisors and team leads read the reports as charts and tables."""

import csv
import io

import pytest

from tests.escalation.reports.dataset import build

pytestmark = pytest.mark.django_db
MARCH = "/desk/dashboard/?from=2026-03-01&to=2026-03-31"


@pytest.fixture
def dataset(customer, agent, teams):
    return build(customer, agent, teams)


def test_a_supervisor_sees_every_section_with_numbers_as_text(client_for, supervisor, dataset):
    page = client_for(supervisor).get(MARCH).content.decode()
    for heading in (
        "Compliance per team and priority",
        "MTTA and MTTR over time",
        "Backlog by age, now",
        "Breaches and escalations over time",
        "Hand-offs between tiers",
    ):
        assert heading in page
    # Application Support P3: 3 of 5 first responses met, MTTA median 3h (10800 s).
    assert "Application Support P3: First response met: 60%, Resolution met: 80%" in page
    assert "<td>3 / 2</td>" in page and "3h / 7h" in page
    assert "“Needs the application team”" in page
    assert "format=csv&amp;table=trends" in page
    assert 'role="img"' in page and "<script" not in page.split("</main>")[0]


def test_every_table_has_its_csv_link_and_it_reads_back(client_for, supervisor, dataset):
    client = client_for(supervisor)
    page = client.get(MARCH).content.decode()
    link = "/api/reports/sla/?from=2026-03-01&amp;to=2026-03-31&amp;format=csv"
    assert link in page
    for table in ("handoffs", "manual"):
        assert f"format=csv&amp;table={table}" in page
    response = client.get(link.replace("&amp;", "&"))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 5


def test_filters_narrow_the_page(client_for, supervisor, dataset, teams):
    page = client_for(supervisor).get(f"{MARCH}&team={teams['eng'].pk}").content.decode()
    assert "Engineering P4" in page
    assert "Application Support P3" not in page
    assert f"team={teams['eng'].pk}&amp;format=csv" in page


def test_a_lead_sees_their_teams_and_the_navigation_names_it(client_for, lead, dataset):
    client = client_for(lead)
    page = client.get(MARCH).content.decode()
    assert "Service Desk P2" in page and "Application Support P3" not in page
    assert 'href="/desk/dashboard/">Dashboard</a>' in client.get("/desk/").content.decode()


def test_agents_and_customers_are_refused(client_for, agent, customer):
    assert client_for(agent).get("/desk/dashboard/").status_code == 403
    assert "Dashboard</a>" not in client_for(agent).get("/desk/").content.decode()
    assert client_for(customer).get("/desk/dashboard/").status_code == 403


def test_bad_filters_say_why_and_keep_what_was_typed(client_for, supervisor):
    response = client_for(supervisor).get("/desk/dashboard/?from=2026-03-31&to=2026-03-01")
    assert response.status_code == 400
    page = response.content.decode()
    assert "The end of the period comes before its start." in page
    assert 'value="2026-03-31"' in page


def test_queries_do_not_grow_with_the_tickets(
    client_for, supervisor, dataset, django_assert_max_num_queries
):
    client = client_for(supervisor)
    with django_assert_max_num_queries(20):
        assert client.get(MARCH).status_code == 200
