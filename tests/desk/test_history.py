"""The workspace's history: every entry the timeline API returns, in words, in the same order,
reasons included; internal entries tinted, and never on the customer's side."""

import re

import pytest
from django.urls import reverse
from django.utils.dateparse import parse_datetime

from incidents.models import TicketEvent
from tests.desk.stories import ESCALATION_REASON, NOTE, PRIORITY_REASON, ticket_with_every_entry

pytestmark = pytest.mark.django_db

ENTRY = re.compile(r'<li data-entry="(\w+)">(.*?)</li>\n', re.S)


@pytest.fixture
def story_ticket(make_ticket, customer, teams, lead, tier2_agent, supervisor):
    return ticket_with_every_entry(make_ticket, customer, teams, lead, tier2_agent, supervisor)


def workspace(client, ticket, show="all"):
    url = reverse("desk:ticket", args=[ticket.pk]) + f"?show={show}"
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    story = html.split('<ol class="desk-story">')[1].split("</ol>\n")[0]
    return ENTRY.findall(story)


def shown_times(items):
    return [
        (kind, parse_datetime(re.search(r'datetime="([^"]+)"', body)[1])) for kind, body in items
    ]


def api_entries(api, user, ticket):
    response = api(user).get(f"/api/tickets/{ticket.pk}/timeline/")
    assert response.status_code == 200
    return [(e["kind"], parse_datetime(e["at"]), e) for e in response.json()]


KINDS = [
    "created",
    "replied",
    "note_added",
    "acknowledged",
    "status_changed",
    "assigned",
    "team_changed",
    "priority_changed",
    "escalated",
    "breached",
    "notified",
    "rated",
]


def test_the_workspace_shows_every_entry_of_the_api_in_order(
    client_for, api, supervisor, story_ticket
):
    entries = api_entries(api, supervisor, story_ticket)
    items = workspace(client_for(supervisor), story_ticket)
    assert shown_times(items) == [(kind, at) for kind, at, _ in entries]
    assert {kind for kind, _ in items} >= set(KINDS)


@pytest.mark.parametrize("kind", KINDS)
def test_each_kind_is_told_as_the_api_returns_it(client_for, api, supervisor, story_ticket, kind):
    entries = [(at, e) for k, at, e in api_entries(api, supervisor, story_ticket) if k == kind]
    items = [item for item in workspace(client_for(supervisor), story_ticket) if item[0] == kind]
    assert entries, f"the story ticket has no {kind} entry"
    assert [at for _, at in shown_times(items)] == [at for at, _ in entries]
    for (_, entry), (_, body) in zip(entries, items, strict=True):
        reason = entry["data"].get("reason")
        if reason:
            assert f"Reason: {reason}".replace("'", "&#x27;") in body
        internal = kind not in TicketEvent.PUBLIC_KINDS or entry["data"].get("internal")
        assert ("desk-internal" in body) == bool(internal)


def test_the_words_say_what_changed_from_what_to_what(client_for, supervisor, story_ticket):
    text = " ".join(body for _, body in workspace(client_for(supervisor), story_ticket))
    text = re.sub(r"<[^>]+>", "", text).replace("&#x27;", "'")
    assert "changed the priority from P2 to P1" in text
    assert "Tierdesk changed the priority from P3 to P2" in text
    assert "moved the ticket from Service Desk (tier 1) to Application Support (tier 2)" in text
    assert "escalated the ticket to Engineering (tier 3)" in text
    assert "Escalation level 1 → 2" in text
    assert "assigned the ticket to tier2-agent" in text and "Was: nobody" in text
    assert "changed the status from Open to Pending" in text
    assert "fired the level 1 escalation (at the first-response deadline)" in text
    assert "recorded a breach of the first-response SLA" in text
    assert "rated the help Very good (5/5)" in text
    assert NOTE in text and "We are looking into it." in text


@pytest.mark.parametrize(
    ("show", "kinds"),
    [
        ("replies", {"created", "replied"}),
        ("notes", {"note_added"}),
        ("escalations", {"escalated", "breached", "team_changed", "priority_changed", "notified"}),
    ],
)
def test_tabs_narrow_the_story(client_for, supervisor, story_ticket, show, kinds):
    shown = {kind for kind, _ in workspace(client_for(supervisor), story_ticket, show)}
    assert shown == kinds


def test_the_activity_tab_leaves_the_messages_out(client_for, supervisor, story_ticket):
    shown = {kind for kind, _ in workspace(client_for(supervisor), story_ticket, "activity")}
    assert shown and not shown & {"created", "replied", "note_added"}
    assert "status_changed" in shown and "escalated" in shown


def test_internal_entries_never_reach_the_customer(api, customer, story_ticket, client):
    kinds = {kind for kind, _, _ in api_entries(api, customer, story_ticket)}
    assert kinds == {"created", "replied", "acknowledged", "status_changed", "rated"}
    client.force_login(customer)
    html = client.get(reverse("portal:ticket", args=[story_ticket.pk])).content.decode()
    assert "We are looking into it." in html
    for secret in (NOTE, PRIORITY_REASON, ESCALATION_REASON, "Engineering", "tier2-agent@"):
        assert secret.replace("'", "&#x27;") not in html


def test_query_count_does_not_grow_with_the_story(
    client_for, supervisor, story_ticket, django_assert_max_num_queries
):
    client = client_for(supervisor)
    with django_assert_max_num_queries(60) as before:
        workspace(client, story_ticket)
    for n in range(10):
        story_ticket.add_reply(supervisor, f"note {n}", internal=True)
    with django_assert_max_num_queries(len(before)):
        workspace(client, story_ticket)
