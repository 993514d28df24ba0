import pytest

from escalation.reports.filters import ReportFilters

from .dataset import build


@pytest.fixture
def dataset(customer, agent, teams):
    return build(customer, agent, teams)


def period(first, last, team=None, priority=None, readable=None):
    """The Period of the filters, as the API and the dashboard read them."""
    data = {"from": first, "to": last}
    if team is not None:
        data["team"] = team.pk
    if priority:
        data["priority"] = priority
    form = ReportFilters(data, readable)
    assert form.is_valid(), form.errors
    return form.period()
