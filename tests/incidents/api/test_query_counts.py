"""No endpoint's query count grows with its rows (STYLE rule 12)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from escalation.models import BusinessCalendar, EscalationLevel, EscalationPolicy, SLAPolicy
from incidents.models import Membership, Team


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("who", ["customer", "agent", "supervisor"])
def test_ticket_list_query_count_does_not_grow_with_page_size(
    api, make_ticket, customer, agent, supervisor, teams, who
):
    for n in range(30):
        ticket = make_ticket(customer, team=teams["desk"], subject=f"Ticket {n}")
        ticket.assign(agent, agent)
    client = api({"customer": customer, "agent": agent, "supervisor": supervisor}[who])
    small = queries(client, "/api/tickets/?page_size=10")
    large = queries(client, "/api/tickets/?page_size=100")
    assert small == large


def test_replies_and_timeline_are_constant(api, agent, desk_ticket):
    client = api(agent)
    desk_ticket.add_reply(agent, "first")
    replies, timeline = (
        queries(client, f"/api/tickets/{desk_ticket.pk}/{what}/")
        for what in ("replies", "timeline")
    )
    for n in range(10):
        desk_ticket.add_reply(agent, f"reply {n}", internal=n % 2 == 0)
    assert queries(client, f"/api/tickets/{desk_ticket.pk}/replies/") == replies
    assert queries(client, f"/api/tickets/{desk_ticket.pk}/timeline/") == timeline


def config_rows(n, users, teams):
    for i in range(n):
        team = Team.objects.create(name=f"T{n}-{i}", slug=f"t{n}-{i}", tier=5)
        Membership.objects.bulk_create(Membership(team=team, user=u) for u in users)
        calendar = BusinessCalendar.objects.create(name=f"C{n}-{i}")
        calendar.hours.create(weekday=0, start="09:00", end="17:00")
        calendar.holidays.create(date="2025-12-25")
        sla = SLAPolicy.objects.create(name=f"S{n}-{i}", calendar=calendar)
        sla.teams.add(team)
        sla.targets.create(priority="P1", first_response_seconds=60, resolution_seconds=600)
        policy = EscalationPolicy.objects.create(name=f"E{n}-{i}")
        policy.teams.add(team)
        level = EscalationLevel.objects.create(policy=policy, order=1, reassign_to=team)
        level.notify_users.set(users)


@pytest.mark.parametrize(
    "url", ["/api/teams/", "/api/calendars/", "/api/sla-policies/", "/api/escalation-policies/"]
)
def test_configuration_lists_are_constant(api, supervisor, agent, lead, teams, url):
    client = api(supervisor)
    config_rows(2, [agent, lead], teams)
    few = queries(client, url)
    config_rows(8, [agent, lead], teams)
    assert queries(client, url) == few
