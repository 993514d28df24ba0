"""Webhook delivery against a real HTTP server on 127.0.0.1: signing, retries, timeouts."""

import json

import pytest

from notifications.models import Notification, Webhook
from notifications.outbox import notify_webhooks
from tests.mails import deliver


@pytest.fixture
def ticket(make_ticket, customer, teams):
    return make_ticket(customer, team=teams["desk"], subject="VPN down for the whole floor")


@pytest.fixture
def hook(webhook_receiver, teams):
    return Webhook.objects.create(
        name="Ops", url=webhook_receiver.url, secret=webhook_receiver.secret, team=teams["desk"]
    )


CONTEXT = {
    "level": 2,
    "repeat": 1,
    "due_at": "2025-03-04T16:30:00+00:00",
    "late": True,
    "anchor": "response_due",
    "reason": "Nobody acknowledged",
}


def test_the_receiver_verifies_the_signature_and_reads_ticket_and_event(
    webhook_receiver, hook, ticket
):
    [row] = notify_webhooks("escalated", ticket, key="firing:signed", context=CONTEXT)

    assert deliver(row.pk) is True
    [request] = webhook_receiver.requests
    assert request.signature_ok and request.status == 200
    assert request.headers["X-Tierdesk-Delivery"] == str(row.pk)
    assert request.headers["Content-Type"] == "application/json"
    body = json.loads(request.body)
    assert body["ticket"]["reference"] == ticket.reference
    assert body["ticket"]["team"]["name"] == "Service Desk"
    assert body["ticket"]["url"].endswith(f"/desk/tickets/{ticket.pk}/")
    assert {k: body["event"][k] for k in ("kind", "level", "repeat", "due_at", "late")} == {
        "kind": "escalated",
        "level": 2,
        "repeat": 1,
        "due_at": CONTEXT["due_at"],
        "late": True,
    }
    row.refresh_from_db()
    assert row.status == "sent"


def test_a_wrong_secret_is_refused_by_the_receiver_and_fails_for_good(
    webhook_receiver, hook, ticket
):
    hook.secret = "not-the-receivers-secret"
    hook.save()
    [row] = notify_webhooks("escalated", ticket, key="firing:forged", context=CONTEXT)

    assert deliver(row.pk) is False
    row.refresh_from_db()
    assert (row.status, row.last_error) == ("failed", "HTTP 401 Unauthorized")
    assert webhook_receiver.requests[0].signature_ok is False


def test_500_then_200_delivers_once(webhook_receiver, hook, ticket):
    webhook_receiver.script = [(500, 0)]
    [row] = notify_webhooks("breach", ticket, key="firing:flaky", context=CONTEXT)

    assert deliver(row.pk) is False
    row.refresh_from_db()
    assert (row.status, row.attempts, row.last_error) == (
        "queued",
        1,
        "HTTP 500 Internal Server Error",
    )
    assert deliver(row.pk, now=row.next_attempt_at) is True
    assert deliver(row.pk, now=row.next_attempt_at) is False
    assert [r.status for r in webhook_receiver.requests] == [500, 200]
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)


def test_a_receiver_slower_than_the_timeout_is_a_temporary_failure_then_retried(
    webhook_receiver, hook, ticket, settings
):
    settings.WEBHOOK_TIMEOUT_SECONDS = 0.3
    webhook_receiver.script = [(200, 1.0)]
    [row] = notify_webhooks("escalated", ticket, key="firing:slow", context=CONTEXT)

    assert deliver(row.pk) is False
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("queued", 1)
    assert "timed out" in row.last_error
    [attempt] = row.delivery_attempts.all()
    assert (attempt.ok, attempt.temporary) == (False, True)
    assert deliver(row.pk, now=row.next_attempt_at) is True


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (404, "failed"),
        (410, "failed"),
        (302, "failed"),
        (408, "queued"),
        (429, "queued"),
        (503, "queued"),
    ],
)
def test_client_errors_are_permanent_but_overload_and_server_errors_are_retried(
    webhook_receiver, hook, ticket, status, outcome
):
    webhook_receiver.script = [(status, 0)]
    [row] = notify_webhooks("escalated", ticket, key=f"firing:status-{status}", context=CONTEXT)

    assert deliver(row.pk) is False
    row.refresh_from_db()
    assert row.status == outcome
    assert row.last_error.startswith(f"HTTP {status}")


def test_slack_format_sends_a_text_message(webhook_receiver, hook, ticket):
    hook.slack_format = True
    hook.save()
    [row] = notify_webhooks("escalated", ticket, key="firing:slack", context=CONTEXT)

    assert deliver(row.pk) is True
    body = json.loads(webhook_receiver.requests[0].body)
    assert list(body) == ["text"]
    assert f"[{ticket.reference}] Escalated to Service Desk (level 2, reminder 1)" in body["text"]
    assert f"/desk/tickets/{ticket.pk}/|Open {ticket.reference}>" in body["text"]


def test_rows_go_to_the_teams_matching_active_hooks_and_a_levels_own_url(ticket, teams):
    def make(name, **fields):
        return Webhook.objects.create(
            name=name, url=f"https://hooks.example/{name}", secret="s", **fields
        )

    own, everywhere = make("own", team=teams["desk"]), make("everywhere")
    make("other-team", team=teams["eng"])
    make("off", team=teams["desk"], is_active=False)
    make("breaches-only", team=teams["desk"], kinds=["breach"])
    replies = make("replies", team=teams["desk"], kinds=["reply"])

    rows = notify_webhooks(
        "escalated",
        ticket,
        key="firing:fan",
        context=CONTEXT,
        url="https://level.example/hook",
        secret="level-secret",
    )

    assert sorted(n.address for n in rows) == sorted(
        [own.url, everywhere.url, "https://level.example/hook"]
    )
    assert {n.secret for n in rows} == {"s", "level-secret"}
    assert (
        notify_webhooks(
            "escalated", ticket, key="firing:fan", context=CONTEXT, url="https://level.example/hook"
        )
        == []
    )
    # Customer kinds reach only the endpoints that asked for them by name.
    assert [n.address for n in notify_webhooks("reply", ticket, key="event:1")] == [replies.url]


def test_a_non_http_url_fails_for_good_without_being_opened(ticket):
    [row] = notify_webhooks(
        "escalated", ticket, key="firing:file", url="file:///etc/passwd", secret="x"
    )

    assert deliver(row.pk) is False
    row.refresh_from_db()
    assert row.status == Notification.Status.FAILED
    assert "Not an http(s) URL" in row.last_error
