"""GET/PATCH/PUT /api/me/notification-preferences/: each user switches their own kinds."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents.models import Membership
from notifications.models import Notification, NotificationPreference

URL = "/api/me/notification-preferences/"
AGENT_KINDS = [
    "assigned",
    "escalated",
    "sla_warning",
    "breach",
    "absence_conflict",
    "coverage_holes",
]


def kinds(response):
    return {row["kind"]: row["enabled"] for row in response.json()}


def reply_emails(ticket, user):
    return Notification.objects.filter(ticket=ticket, kind="reply", recipient=user).count()


def test_a_customer_sees_the_three_customer_kinds_all_on(api, customer):
    response = api(customer).get(URL)

    assert response.status_code == 200
    assert response.json() == [
        {"kind": kind, "label": label, "enabled": True, "always_when_addressed": False}
        for kind, label in [
            ("received", "Ticket received"),
            ("reply", "Agent reply"),
            ("resolved", "Ticket resolved"),
        ]
    ]


@pytest.mark.parametrize("who", ["agent", "supervisor"])
def test_agents_and_supervisors_see_the_four_agent_kinds(api, agent, supervisor, who):
    response = api({"agent": agent, "supervisor": supervisor}[who]).get(URL)

    assert [row["kind"] for row in response.json()] == AGENT_KINDS
    forced = {row["kind"] for row in response.json() if row["always_when_addressed"]}
    assert forced == {"escalated", "sla_warning"}


def test_switching_reply_off_stops_agent_reply_emails_and_on_brings_them_back(
    api, customer, other_customer, agent, desk_ticket
):
    client = api(customer)

    off = client.patch(URL, [{"kind": "reply", "enabled": False}], format="json")
    assert off.status_code == 200
    assert kinds(off) == {"received": True, "reply": False, "resolved": True}
    desk_ticket.add_reply(agent, "Please restart the print spooler.")
    assert reply_emails(desk_ticket, customer) == 0

    on = client.patch(URL, {"kind": "reply", "enabled": True}, format="json")
    assert kinds(on)["reply"] is True
    desk_ticket.add_reply(agent, "Did the restart help?")
    assert reply_emails(desk_ticket, customer) == 1
    assert kinds(client.get(URL))["reply"] is True
    assert kinds(api(other_customer).get(URL))["reply"] is True


def test_escalated_off_silences_team_wide_escalation_notices_for_that_agent_only(
    api, agent, tier2_agent, make_user, teams, desk_ticket
):
    teammate = make_user("tier2-other", role="agent")
    Membership.objects.create(user=teammate, team=teams["apps"], role="agent")
    api(tier2_agent).patch(URL, {"kind": "escalated", "enabled": False}, format="json")

    desk_ticket.escalate(agent, "Needs the application team.")

    told = Notification.objects.filter(ticket=desk_ticket, kind="escalated", channel="email")
    assert set(told.values_list("recipient", flat=True)) == {teammate.pk}


def test_put_switches_several_kinds_at_once(api, agent):
    response = api(agent).put(
        URL,
        [{"kind": "assigned", "enabled": False}, {"kind": "breach", "enabled": False}],
        format="json",
    )

    assert response.status_code == 200
    assert kinds(response) == {
        "assigned": False,
        "escalated": True,
        "sla_warning": True,
        "breach": False,
        "absence_conflict": True,
        "coverage_holes": True,
    }
    assert NotificationPreference.opted_out("breach", [agent.pk]) == {agent.pk}


def test_a_customer_cannot_switch_off_breach(api, customer):
    response = api(customer).patch(URL, {"kind": "breach", "enabled": False}, format="json")

    assert response.status_code == 400
    assert "only sent to agents" in response.json()["kind"][0]
    assert not NotificationPreference.objects.filter(user=customer).exists()


def test_one_bad_item_in_a_list_changes_nothing_and_names_its_position(api, customer):
    body = [{"kind": "reply", "enabled": False}, {"kind": "breach", "enabled": False}]

    response = api(customer).patch(URL, body, format="json")

    assert response.status_code == 400
    assert list(response.json()) == ["detail", "[1].kind"]
    assert kinds(api(customer).get(URL))["reply"] is True


@pytest.mark.parametrize(
    "body, field",
    [
        ({"kind": "sms", "enabled": False}, "kind"),
        ({"kind": "reply", "enabled": "no"}, "enabled"),
        ({"kind": "reply", "enabled": 0}, "enabled"),
        ({"kind": "reply"}, "enabled"),
        ("reply", "non_field_errors"),
        ([{"kind": "reply", "enabled": False}, {"kind": "reply", "enabled": True}], "non_field"),
    ],
)
def test_invalid_changes_answer_400_with_field_messages(api, customer, body, field):
    response = api(customer).patch(URL, body, format="json")

    assert response.status_code == 400
    assert field in str(response.json())
    assert not NotificationPreference.objects.filter(user=customer).exists()


@pytest.mark.parametrize("method", ["get", "patch", "put"])
def test_anonymous_callers_are_refused(api, db, method):
    response = getattr(api(), method)(URL, {"kind": "reply", "enabled": False}, format="json")

    assert response.status_code == 401


# Every API request reads and writes its throttle's counter in the database cache (none with
# Redis): a read and one upsert (helpdesk.cache), whatever the request does.
THROTTLE_QUERIES = 2


def count_queries(client, method, *args):
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(URL, *args, format="json")
    assert response.status_code == 200
    return len(captured)


def test_query_count_does_not_grow_with_the_kinds_changed(api, agent):
    client = api(agent)
    one = [{"kind": "assigned", "enabled": False}]
    four = [{"kind": kind, "enabled": False} for kind in AGENT_KINDS]

    reading = count_queries(client, "get")
    assert count_queries(client, "patch", one) == count_queries(client, "patch", four)
    assert count_queries(client, "get") == reading <= 3 + THROTTLE_QUERIES
    assert count_queries(client, "patch", four) <= 5 + THROTTLE_QUERIES
