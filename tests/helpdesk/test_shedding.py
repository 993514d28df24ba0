"""Load shedding (helpdesk/shedding.py): a saturated server answers 503 with Retry-After at once,
never for /healthz, and serves normally below its limits. The accept queue is a real one: a
listening socket with connections the kernel accepted and nobody took."""

import json
import logging
import os
import runpy
import socket
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.test import RequestFactory

from helpdesk import shedding
from incidents.models import Ticket

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def waiting():
    """A listening socket with `n` connections waiting in its accept queue, watched."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    clients = []

    def queue(n):
        for _ in range(n):
            clients.append(socket.create_connection(listener.getsockname(), timeout=2))
        deadline = time.monotonic() + 2
        shedding.watch([listener])
        while shedding.backlog() < len(clients) and time.monotonic() < deadline:
            time.sleep(0.005)  # the handshake completes in the kernel, almost at once
        return listener

    yield queue
    shedding.watch([])
    for client in clients:
        client.close()
    listener.close()


def test_backlog_is_the_accept_queue_of_the_watched_sockets(waiting):
    assert shedding.backlog() == 0  # watching nothing
    waiting(5)
    assert shedding.backlog() == 5


def test_a_saturated_server_sheds_api_requests_with_retry_after_and_does_no_work(
    client, db, settings, waiting
):
    settings.SHED_BACKLOG, settings.SHED_RETRY_AFTER, settings.SHED_STANDING_MS = 3, 2, 0
    waiting(5)
    body = {"subject": "VPN", "description": "drops"}
    response = client.post("/api/tickets/", body, content_type="application/json")
    assert response.status_code == 503
    assert response["Retry-After"] == "2"
    assert response.json() == {"detail": "The server is busy: try again in 2 seconds."}
    assert not Ticket.objects.exists()
    page = client.get("/")
    assert page.status_code == 503 and page["Retry-After"] == "2"
    assert page["Content-Type"].startswith("text/html")
    text = page.content.decode()
    assert "Tierdesk is busy right now" in text
    assert "please try again in 2 seconds." in text
    assert "/static/tierdesk" in text  # the site's own look; static files are never shed
    german = client.get("/", headers={"accept-language": "de"})
    assert german.status_code == 503 and '<html lang="de">' in german.content.decode()
    assert "Tierdesk is busy right now" not in german.content.decode()


def test_healthz_is_never_shed(client, db, settings, waiting):
    settings.SHED_BACKLOG, settings.SHED_STANDING_MS = 1, 0
    waiting(5)
    response = client.get("/healthz")
    assert response.status_code == 200  # the health report itself, healthy
    assert "Retry-After" not in response
    assert "database" in response.json()


def test_below_the_limit_requests_are_served(client, db, settings, waiting):
    settings.SHED_BACKLOG = 8
    waiting(5)
    response = client.get("/api/tickets/")
    assert response.status_code == 401  # reached the view: no token
    settings.SHED_BACKLOG = 0  # 0: the accept queue never sheds
    assert client.get("/api/tickets/").status_code == 401


def test_a_burst_is_served_and_a_queue_that_stands_is_shed(settings, waiting):
    """Protection: shedding.standing. Checked: with `waiting > limit` alone, the burst's
    first request (tick 10.0) was shed."""
    settings.SHED_BACKLOG, settings.SHED_STANDING_MS = 3, 100
    listener = waiting(5)
    request = RequestFactory().get("/api/tickets/")
    assert not shedding.overloaded(request, tick=10.0)  # above the limit: a burst, so far
    assert not shedding.overloaded(request, tick=10.05)
    assert shedding.overloaded(request, tick=10.25) == "5 requests waiting for a worker"
    assert shedding.overloaded(request, tick=12.0)  # it stands: every request is shed
    settings.SHED_BACKLOG = 5  # a reading at the limit: the queue drained, start over
    assert not shedding.overloaded(request, tick=12.1)
    settings.SHED_BACKLOG = 3
    assert not shedding.overloaded(request, tick=12.2)
    assert shedding.overloaded(request, tick=12.3)
    settings.SHED_STANDING_MS = 0  # 0: shed at the first reading above
    shedding.watch([listener])  # a new worker: no reading yet
    assert shedding.overloaded(request, tick=13.0)


NOW = 1_765_000_000.0  # December 2025, in seconds since the epoch


@pytest.mark.parametrize(
    ("stamp", "shed"),
    [
        (f"t={NOW - 3:.3f}", True),  # nginx: seconds with milliseconds, queued 3 s
        (f"t={int((NOW - 3) * 1e3)}", True),  # milliseconds
        (f"t={int((NOW - 3) * 1e6)}", True),  # microseconds (Heroku, Apache)
        (f"t={NOW - 0.5:.3f}", False),  # 0.5 s: within the limit
        (f"t={int((NOW + 60) * 1e6)}", False),  # a proxy clock ahead of ours: not queued
        ("garbage", False),
        ("", False),
    ],
)
def test_a_proxy_stamp_older_than_the_limit_sheds(settings, stamp, shed):
    settings.SHED_QUEUE_MS = 2000
    request = RequestFactory().get("/api/tickets/", HTTP_X_REQUEST_START=stamp)
    assert bool(shedding.overloaded(request, now=NOW)) is shed
    settings.SHED_QUEUE_MS = 0  # off
    assert not shedding.overloaded(request, now=NOW)


def test_gunicorn_hands_each_worker_its_listening_sockets(waiting):
    listener = waiting(2)
    shedding.watch([])
    config = runpy.run_path(str(BASE_DIR / "gunicorn.conf.py"))
    wrapped = SimpleNamespace(sock=listener)  # gunicorn wraps the socket object
    config["post_worker_init"](SimpleNamespace(sockets=[wrapped]))
    assert shedding.backlog() == 2


SHOW = """
import json
from helpdesk import settings as s
print(json.dumps(s.DATABASES["default"].get("OPTIONS", {})))
"""


@pytest.mark.parametrize("web", [True, False])
def test_only_web_processes_get_the_statement_timeout(web):
    env = {k: v for k, v in os.environ.items() if k not in ("TIERDESK_WEB_PROCESS", "REDIS_URL")}
    env.update(
        SECRET_KEY="x",
        DEBUG="false",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/tierdesk_flood_settings",
        WEB_STATEMENT_TIMEOUT_MS="4000",
    )
    if web:
        env["TIERDESK_WEB_PROCESS"] = "1"
    out = subprocess.run(
        [sys.executable, "-c", SHOW], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    options = json.loads(out.stdout)
    if web:
        assert options["options"] == "-c statement_timeout=4000"
    else:
        assert "statement_timeout" not in options.get("options", "")


def test_a_shed_request_is_not_logged_as_an_error(client, db, settings, waiting):
    settings.SHED_BACKLOG, settings.SHED_STANDING_MS = 1, 0
    waiting(5)
    seen = []
    handler = logging.Handler()
    handler.emit = seen.append
    logger = logging.getLogger("django.request")  # its records never reach the root
    logger.addHandler(handler)
    try:
        for _ in range(3):
            assert client.get("/api/tickets/").status_code == 503
        settings.SHED_BACKLOG = 0
        assert client.get("/api/tickets/?page=x").status_code == 401
    finally:
        logger.removeHandler(handler)
    assert [r.status_code for r in seen] == [401]  # the 401 is logged, the sheds are not
