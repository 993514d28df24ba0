"""Webhooks cannot reach the inside: non-public addresses are refused when configured and again
after DNS resolution at every delivery."""

import socket

import pytest
from django.core.exceptions import ValidationError

from escalation.admin import EscalationLevelForm
from notifications import webhooks
from notifications.admin import WebhookForm
from notifications.models import Notification
from notifications.outbox import notify_webhooks
from tests.mails import deliver

INSIDE = [
    "http://127.0.0.1:8000/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.1/",
    "http://192.168.1.5/",
    "http://[::1]/",
    "http://[fe80::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://0.0.0.0/",
    "http://224.0.0.1/",
    "http://localhost:9000/",
]


@pytest.mark.parametrize("address", INSIDE)
def test_webhook_config_refuses_inside_addresses(address):
    with pytest.raises(ValidationError):
        webhooks.validate_url(address)


def test_public_addresses_and_host_names_are_accepted():
    webhooks.validate_url("https://hooks.slack.com/services/x")
    webhooks.validate_url("http://93.184.216.34/hook")


def test_private_ranges_only_when_allowed(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    webhooks.validate_url("http://10.0.0.1/")
    webhooks.validate_url("http://127.0.0.1:8000/")
    with pytest.raises(ValidationError):
        webhooks.validate_url("http://169.254.169.254/")  # cloud metadata: never


def test_admin_webhook_form_refuses_the_metadata_endpoint(db):
    form = WebhookForm(
        data={"name": "x", "url": "http://169.254.169.254/latest", "secret": "s", "kinds": []}
    )
    assert not form.is_valid()
    assert "link-local" in form.errors["url"][0]


def test_escalation_level_form_refuses_a_loopback_webhook(db):
    form = EscalationLevelForm(data={"webhook_url": "http://127.0.0.1:8000/"})
    form.is_valid()
    assert "loopback" in form.errors["webhook_url"][0]


def test_escalation_policy_api_refuses_a_private_webhook(api, supervisor):
    level = {"order": 1, "anchor": "created", "webhook_url": "http://10.0.0.1/hook"}
    response = api(supervisor).post(
        "/api/escalation-policies/", {"name": "p", "levels": [level]}, format="json"
    )
    assert response.status_code == 400
    assert "private" in str(response.json()["levels[0].webhook_url"])


@pytest.fixture
def ticket(make_ticket, customer, teams):
    return make_ticket(customer, team=teams["desk"])


def test_webhook_delivery_refuses_a_name_resolving_to_loopback(ticket, monkeypatch):
    def resolve_to_loopback(host, port, *args, **kwargs):
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve_to_loopback)
    opened = []
    monkeypatch.setattr(webhooks._opener, "open", lambda *a, **k: opened.append(a))
    [row] = notify_webhooks(
        "escalated", ticket, key="firing:rebind", url="https://rebind.example/hook", secret="s"
    )

    assert deliver(row.pk) is False
    row.refresh_from_db()
    assert row.status == Notification.Status.FAILED  # permanent: no retry
    assert "rebind.example resolves to 127.0.0.1 is a loopback address" in row.last_error
    assert opened == []


def test_webhook_delivery_refuses_a_name_rebound_to_loopback_after_the_check(
    ticket, monkeypatch, settings
):
    """DNS rebinding: the check's lookup says public, the connection's lookup says loopback.
    The address really connected to is judged before a byte is sent."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    settings.WEBHOOK_ALLOW_PRIVATE = False
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    answers = iter([("93.184.216.34", port)])  # the first answer is public, then loopback

    def rebinding(host, port_, *args, **kwargs):
        address = next(answers, ("127.0.0.1", port))
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", address)]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    [row] = notify_webhooks(
        "escalated", ticket, key="firing:rebind2", url=f"http://rebind.example:{port}/hook"
    )
    try:
        assert deliver(row.pk) is False
    finally:
        server.shutdown()
        server.server_close()

    row.refresh_from_db()
    assert row.status == Notification.Status.FAILED
    assert "the connection reached 127.0.0.1 is a loopback address" in row.last_error
    assert received == []
