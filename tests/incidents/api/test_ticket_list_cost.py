"""The ticket list's cost (issue 29): the filter set is skipped when the query string names
none of its filters, the count comes with the page of ids in one query, and the token's
statement reads an agent's teams."""

import pytest
from django.forms import MultiWidget

from incidents.api.filters import TicketFilter

NOTHING_MATCHES = {
    "status": "closed",
    "priority": "P1",
    "team": "apps",
    "assignee": "agent",
    "requester": "agent",
    "unassigned": "false",
    "breached": "true",
    "active": "false",
    "channel": "email",
    "created_after": "2999-01-01T00:00:00Z",
    "created_before": "2000-01-01T00:00:00Z",
}


def test_every_filter_reads_the_parameter_of_its_own_name():
    """What lets the list skip the filter set when no parameter names a filter: a widget of
    several parameters (a range's `_min`/`_max`) would be skipped though asked for."""
    assert set(NOTHING_MATCHES) == set(TicketFilter.base_filters)
    for name, found in TicketFilter.base_filters.items():
        assert not isinstance(found.field.widget, MultiWidget), name


@pytest.mark.parametrize("name", sorted(NOTHING_MATCHES))
def test_a_filter_named_alone_is_applied(
    api, supervisor, agent, customer, teams, make_ticket, name
):
    ticket = make_ticket(customer, team=teams["desk"], impact="low", urgency="low")
    assert ticket.priority != "P1" and ticket.channel != "email"
    value = {"apps": teams["apps"].pk, "agent": agent.pk}.get(NOTHING_MATCHES[name])
    value = NOTHING_MATCHES[name] if value is None else value
    client = api(supervisor)

    assert client.get("/api/tickets/").json()["count"] == 1
    assert client.get("/api/tickets/", {name: value}).json()["count"] == 0


@pytest.mark.parametrize(("who", "expected"), [("agent", 5), ("supervisor", 5), ("customer", 5)])
def test_a_list_reads_its_count_with_its_page(
    api, make_ticket, customer, agent, supervisor, teams, assert_statements, who, expected
):
    """The token's statement (which reads an agent's teams too), the throttle's read and write
    (the database cache here, on SQLite in a file of its own: counted over every database),
    the first ids up to the count's cap (the count and the page), the page's tickets: no
    COUNT and no query for the agent's teams of their own."""
    for n in range(30):
        make_ticket(customer, team=teams["desk"], subject=f"Ticket {n}")
    client = api({"customer": customer, "agent": agent, "supervisor": supervisor}[who])
    client.get("/api/tickets/")  # the token's zone, the configuration's stamp: read once
    with assert_statements(expected):
        body = client.get("/api/tickets/?page=2&page_size=20").json()
    assert (body["count"], body["count_capped"], len(body["results"])) == (30, False, 10)
    assert body["next"] is None and "page_size=20" in body["previous"]
