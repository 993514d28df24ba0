"""Every endpoint and method against every kind of caller (SPEC "API": another user's ticket
answers 404, not 403; configuration is for supervisors).

Callers, in column order: the ticket's requester (customer A), another customer (B), an agent
of another team, an agent of the ticket's team, a supervisor. The ticket is A's, in the
Service Desk queue.
"""

from datetime import time

import pytest

from escalation.models import BusinessCalendar, EscalationPolicy, SLAPolicy
from tests.conftest import held_after_leaving

WHO = ("customer_a", "customer_b", "other_agent", "team_agent", "supervisor")
TICKET = "/api/tickets/{ticket}/"
SECRET = "INTERNAL-NOTE-7f3a"


def cfg(kind):
    """Fresh configuration rows for a config endpoint row of the matrix."""
    if kind == "calendar":
        calendar = BusinessCalendar.objects.create(name="Office")
        calendar.hours.create(weekday=0, start=time(9), end=time(17))
        return calendar.pk
    if kind == "sla":
        return SLAPolicy.objects.create(name="Std").pk
    return EscalationPolicy.objects.create(name="Page").pk


CALENDAR = {
    "name": "C",
    "timezone": "UTC",
    "hours": [{"weekday": 0, "start": "09:00", "end": "17:00"}],
}

MATRIX = [
    # method, path, body, expected status per WHO
    ("get", "/api/tickets/", None, (200, 200, 200, 200, 200)),
    ("post", "/api/tickets/", {"subject": "s", "description": "d"}, (201,) * 5),
    ("get", TICKET, None, (200, 404, 404, 200, 200)),
    ("patch", TICKET, {"priority": "P1", "reason": "VIP"}, (403, 404, 404, 200, 200)),
    ("put", TICKET, {}, (405, 405, 405, 405, 405)),
    ("delete", TICKET, None, (405, 405, 405, 405, 405)),
    ("get", TICKET + "replies/", None, (200, 404, 404, 200, 200)),
    ("post", TICKET + "replies/", {"body": "hi"}, (201, 404, 404, 201, 201)),
    ("post", TICKET + "replies/", {"body": "n", "internal": True}, (400, 404, 404, 201, 201)),
    ("get", TICKET + "timeline/", None, (200, 404, 404, 200, 200)),
    ("post", TICKET + "acknowledge/", None, (403, 404, 404, 200, 200)),
    ("post", TICKET + "escalate/", {"reason": "stuck"}, (403, 404, 404, 200, 200)),
    ("post", TICKET + "resolve/", None, (403, 404, 404, 200, 200)),
    ("post", TICKET + "reopen/", None, (200, 404, 404, 200, 200)),
    ("get", "/api/teams/", None, (403, 403, 200, 200, 200)),
    ("get", "/api/teams/{team}/", None, (403, 403, 200, 200, 200)),
    ("post", "/api/teams/", {"name": "N", "slug": "n", "tier": 4}, (403, 403, 403, 403, 201)),
    ("patch", "/api/teams/{team}/", {"email": "x@example.com"}, (403, 403, 403, 403, 200)),
    ("delete", "/api/teams/{team}/", None, (403, 403, 403, 403, 204)),
    ("get", "/api/calendars/", None, (403, 403, 403, 403, 200)),
    ("post", "/api/calendars/", CALENDAR, (403, 403, 403, 403, 201)),
    ("get", "/api/calendars/{calendar}/", None, (403, 403, 403, 403, 200)),
    ("patch", "/api/calendars/{calendar}/", {"name": "C2"}, (403, 403, 403, 403, 200)),
    ("delete", "/api/calendars/{calendar}/", None, (403, 403, 403, 403, 204)),
    ("get", "/api/sla-policies/", None, (403, 403, 403, 403, 200)),
    ("post", "/api/sla-policies/", {"name": "S"}, (403, 403, 403, 403, 201)),
    ("get", "/api/sla-policies/{sla}/", None, (403, 403, 403, 403, 200)),
    ("patch", "/api/sla-policies/{sla}/", {"name": "S2"}, (403, 403, 403, 403, 200)),
    ("delete", "/api/sla-policies/{sla}/", None, (403, 403, 403, 403, 204)),
    ("get", "/api/escalation-policies/", None, (403, 403, 403, 403, 200)),
    ("post", "/api/escalation-policies/", {"name": "E"}, (403, 403, 403, 403, 201)),
    ("get", "/api/escalation-policies/{policy}/", None, (403, 403, 403, 403, 200)),
    ("patch", "/api/escalation-policies/{policy}/", {"repeat": 1}, (403, 403, 403, 403, 200)),
    ("delete", "/api/escalation-policies/{policy}/", None, (403, 403, 403, 403, 204)),
    (
        "post",
        "/api/escalation-policies/{policy}/preview/",
        {"priority": "P2"},
        (403, 403, 403, 403, 200),
    ),
    ("get", "/api/schema/", None, (200,) * 5),
    ("get", "/api/docs/", None, (200,) * 5),
]


@pytest.fixture
def world(people, desk_ticket, teams):
    desk_ticket.add_reply(people["team_agent"], SECRET, internal=True)
    return {
        "ticket": desk_ticket.pk,
        "team": teams["eng"].pk,
        "calendar": cfg("calendar"),
        "sla": cfg("sla"),
        "policy": cfg("policy"),
    }


@pytest.mark.parametrize(
    "method, path, body, expected",
    MATRIX,
    ids=[f"{m.upper()} {p}{'+' if b else ''}" for m, p, b, _ in MATRIX],
)
@pytest.mark.parametrize("who", WHO)
def test_matrix(api, people, world, desk_ticket, method, path, body, expected, who):
    if "reopen" in path:
        desk_ticket.resolve(people["team_agent"])
    response = getattr(api(people[who]), method)(path.format(**world), body, format="json")
    assert response.status_code == expected[WHO.index(who)], response.content[:300]
    assert SECRET.encode() not in response.content or who not in ("customer_a", "customer_b")


def test_customers_list_only_their_tickets(api, people, world, make_ticket):
    make_ticket(people["customer_b"])
    for who in ("customer_a", "customer_b"):
        results = api(people[who]).get("/api/tickets/").json()["results"]
        assert {t["requester"] for t in results} == {people[who].pk}


def test_agent_of_another_team_lists_none_of_the_desks_tickets(api, people, world):
    assert api(people["other_agent"]).get("/api/tickets/").json()["count"] == 0


def test_assigned_ticket_is_visible_to_its_assignee_from_another_team(api, people, desk_ticket):
    held_after_leaving(desk_ticket, people["other_agent"])
    response = api(people["other_agent"]).get(f"/api/tickets/{desk_ticket.pk}/")
    assert response.status_code == 200


def test_anonymous_callers_get_401_everywhere_but_the_schema(api, world):
    for method, path, body, _ in MATRIX:
        response = getattr(api(), method)(path.format(**world), body, format="json")
        expected = {200} if path.startswith(("/api/schema/", "/api/docs/")) else {401, 405}
        assert response.status_code in expected, (method, path)


def test_no_customer_response_contains_an_internal_note(api, people, world, desk_ticket):
    client = api(people["customer_a"])
    desk_ticket.resolve(people["team_agent"])
    bodies = [
        client.get("/api/tickets/").content,
        client.get(f"/api/tickets/{desk_ticket.pk}/").content,
        client.get(f"/api/tickets/{desk_ticket.pk}/replies/").content,
        client.get(f"/api/tickets/{desk_ticket.pk}/timeline/").content,
        client.post(f"/api/tickets/{desk_ticket.pk}/reopen/").content,
        client.post(f"/api/tickets/{desk_ticket.pk}/replies/", {"body": "ok"}).content,
    ]
    assert all(SECRET.encode() not in body for body in bodies)
    timeline = client.get(f"/api/tickets/{desk_ticket.pk}/timeline/").json()
    assert all(entry["kind"] != "note_added" for entry in timeline)
    agent_replies = api(people["team_agent"]).get(f"/api/tickets/{desk_ticket.pk}/replies/")
    assert SECRET.encode() in agent_replies.content
