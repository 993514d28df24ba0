"""Every form of the desk fed malformed values: impossible, naive and overflowing dates, words
where ids go, ids no database holds, NUL bytes (which PostgreSQL refuses in text), missing
fields. Each is answered 400 with the workspace or the queue again, never a 5xx, and what was
typed is kept."""

import pytest
from django.urls import reverse

from desk.timeline import version

pytestmark = pytest.mark.django_db

ACTIONS = ["take", "acknowledge", "status", "assign", "priority", "escalate", "resolve", "reopen"]
BAD_VERSIONS = [
    "2024-02-30T10:00:00+00:00",
    "2099-01-01T00:00:00",
    "9999-12-31T23:59:59-14:00",
    "0001-01-01T00:00:00+14:00",
    "yesterday",
    "\x00",
    "",
]
BAD_IDS = ["abc", "1.5", "-1", "0", "9" * 25, "1\x00", "１２"]
NUL = "Printer\x00 on fire"
BAD_FIELDS = {
    "status": [{"status": "gone"}, {"status": NUL}, {}],
    "assign": [{"assignee": value} for value in BAD_IDS],
    "priority": [{"priority": "P9", "reason": "x"}, {"priority": "P1", "reason": NUL}, {}],
    "escalate": [
        *({"team": value, "reason": "Needs tier 2"} for value in BAD_IDS),
        *({"assignee": value, "reason": "Needs tier 2"} for value in BAD_IDS),
        {"reason": NUL},
    ],
    "reply": [{"body": NUL}, {"body": "x", "visibility": NUL}, {"body": ""}, {}],
}
QUEUE_QUERIES = [
    {"q": NUL},
    {"q": "x" * 300},
    {"view": "team:\x00"},
    {"status": "gone"},
    {"assignee": "abc"},
    {"team": "\x00"},
    {"page": "9" * 25},
    {"page": "\x00"},
]


def url(ticket, action):
    if action == "reply":
        return reverse("desk:reply", args=[ticket.pk])
    return reverse("desk:act", args=[ticket.pk, action])


def assert_refused(response, what):
    assert response.status_code == 400, (what, response.status_code, response.content[-500:])


@pytest.mark.parametrize("action", [*ACTIONS, "reply"])
def test_a_bad_version_is_a_400_with_the_text_kept(client_for, agent, desk_ticket, action):
    client = client_for(agent)
    for value in BAD_VERSIONS:
        data = {"updated_at": value, "body": "Typed with care", "reason": "Typed with care"}
        response = client.post(url(desk_ticket, action), data)
        assert_refused(response, (action, value))
        assert "out of date" in response.content.decode()
        assert "Typed with care" in response.content.decode()
    response = client.post(url(desk_ticket, action), {})
    assert_refused(response, (action, "nothing"))
    assert not desk_ticket.events.exclude(kind="created").exists()


@pytest.mark.parametrize("action", list(BAD_FIELDS))
def test_bad_fields_are_a_400(client_for, agent, desk_ticket, action):
    client = client_for(agent)
    for fields in BAD_FIELDS[action]:
        data = {"updated_at": version(desk_ticket).isoformat(), **fields}
        assert_refused(client.post(url(desk_ticket, action), data), (action, fields))
    assert not desk_ticket.events.exclude(kind="created").exists()


def test_a_refused_escalation_and_reply_keep_the_typed_text(client_for, agent, desk_ticket):
    client = client_for(agent)
    seen = version(desk_ticket).isoformat()
    data = {"updated_at": seen, "team": "abc", "reason": "The DBA must look at this"}
    html = client.post(url(desk_ticket, "escalate"), data).content.decode()
    assert 'value="The DBA must look at this"' in html
    data = {"updated_at": seen, "body": "A long answer\x00", "visibility": "internal"}
    response = client.post(url(desk_ticket, "reply"), data)
    html = response.content.decode()
    assert response.status_code == 400 and "Null characters are not allowed" in html
    assert "A long answer" in html and 'value="internal" checked' in html


@pytest.mark.parametrize(
    "data",
    [
        {"ticket": ["9" * 25], "action": "status", "status": "open"},
        {"ticket": ["abc", "1\x00"], "action": "status", "status": "open"},
        {"ticket": ["1"], "action": "status", "status": "\x00"},
        {"ticket": ["1"], "action": "assign", "assignee": "9" * 25},
        {"ticket": ["1"], "action": "assign", "assignee": "abc"},
        {"ticket": ["1"], "action": "\x00"},
        {"ticket": ["1"], "action": "status", "status": "open", "next": "/desk/?q=\x00"},
    ],
)
def test_the_bulk_form_refuses_bad_values(client_for, agent, desk_ticket, data):
    data["ticket"] = [str(desk_ticket.pk) if v == "1" else v for v in data["ticket"]]
    response = client_for(agent).post(reverse("desk:bulk"), data)
    assert_refused(response, data)
    assert 'id="desk-bulk"' in response.content.decode()
    desk_ticket.refresh_from_db()
    assert (desk_ticket.status, desk_ticket.assignee) == ("new", None)


@pytest.mark.parametrize("query", QUEUE_QUERIES, ids=lambda q: repr(q)[:40])
def test_the_queue_refuses_bad_filters(client_for, agent, desk_ticket, query):
    response = client_for(agent).get(reverse("desk:home"), query)
    assert_refused(response, query)
    assert desk_ticket.reference in response.content.decode()  # the valid rest still applies
