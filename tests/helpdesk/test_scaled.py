"""`make run-scaled` (python -m helpdesk.serve --scaled): gunicorn -w 2 and two qclusters on
PostgreSQL + Redis behind one address; both clusters fire levels; Ctrl-C leaves no process."""

import contextlib
import os
import signal
import socket
from datetime import timedelta
from pathlib import Path

import pytest
import redis
import requests
from django.conf import settings
from django.test import Client
from django.utils import timezone

from bench.qcluster_memory import tree
from escalation.models import Firing
from helpdesk import probe
from incidents.models import Ticket
from tests.escalation.sla_setup import HOUR, escalation_policy, sla_policy
from tests.processes import output, spawn, wait_until

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
REDIS_URL = "redis://127.0.0.1:6379/9"
LEVELS = 40


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def alive(pid):
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def session_cookie(user):
    client = Client()
    client.force_login(user)
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


def levels_falling_due(customer, teams, start):
    """LEVELS tickets whose one level falls due 3 s after `start` and then every 0.1 s."""
    sla_policy(None, response=HOUR, resolution=4 * HOUR)
    escalation_policy([{"anchor": "created", "offset_seconds": 60, "notify": ["team_leads"]}])
    for n in range(LEVELS):
        created = start + timedelta(seconds=3 + n / 10 - 60)
        Ticket.open_ticket(
            requester=customer,
            subject=f"burst {n}",
            description="x",
            team=teams["desk"],
            at=created,
        )


@pytest.fixture
def stack():
    if not ON_POSTGRES:
        pytest.skip("the scaled stack runs on PostgreSQL: this test runs in make test-postgres")
    if not probe.redis(REDIS_URL):
        pytest.skip(f"the scaled stack needs Redis at {REDIS_URL} (.ci/services starts it)")
    redis.Redis.from_url(REDIS_URL).flushdb()
    address = f"127.0.0.1:{free_port()}"
    serve = spawn(
        ["-m", "helpdesk.serve", "--scaled"],
        REDIS_URL=REDIS_URL,
        TIERDESK_ADDRESS=address,
        TIERDESK_DEMO="false",
        Q_WORKERS=2,
    )
    base, started = f"http://{address}", []
    try:
        up = wait_until(lambda: answers(base) and len(qclusters(serve.pid)) == 2, timeout=90)
        assert up, output(serve)
        started += tree(serve.pid)
        yield serve, base, started
    finally:  # whatever a failed test left running
        for pid in {*started, *tree(serve.pid)}:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        serve.wait(timeout=10)


def answers(base):
    try:
        return requests.get(f"{base}/healthz", timeout=5).status_code == 200
    except requests.RequestException:
        return False


def qclusters(serve_pid):
    """{leader pid: every pid of that qcluster} for the stack's qcluster children."""
    found = {}
    for pid in tree(serve_pid)[1:]:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        except OSError:
            continue
        if parent == serve_pid and b"qcluster" in command:
            found[pid] = set(tree(pid))
    # Each cluster's sentinel, pusher, monitor and two workers are up.
    return found if all(len(pids) >= 5 for pids in found.values()) else {}


def test_the_scaled_stack_serves_fires_on_both_clusters_and_stops_whole(
    stack, customer, agent, lead, teams
):
    serve, base, everything = stack
    clusters = qclusters(serve.pid)
    assert len(clusters) == 2, output(serve)

    desk = session_cookie(agent)
    portal = requests.get(f"{base}/portal/", cookies=session_cookie(customer), timeout=10)
    assert portal.status_code == 200, portal.text[:500]
    assert requests.get(f"{base}/desk/", cookies=desk, timeout=10).status_code == 200
    css = requests.get(f"{base}/static/tierdesk.css", timeout=10)
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")

    levels_falling_due(customer, teams, timezone.now())
    fired = Firing.objects.filter(kind="level", state="fired")
    assert wait_until(lambda: fired.count() == LEVELS, timeout=30), output(serve)
    api = requests.get(f"{base}/api/tickets/", cookies=desk, timeout=10)
    assert api.status_code == 200 and api.json()["count"] == LEVELS

    firing_pids = {int(by.rsplit(":", 1)[1]) for by in fired.values_list("fired_by", flat=True)}
    by_cluster = {leader: firing_pids & pids for leader, pids in clusters.items()}
    assert all(by_cluster.values()), by_cluster  # both clusters fired levels
    assert firing_pids <= set().union(*clusters.values())

    os.kill(serve.pid, signal.SIGINT)
    assert serve.wait(timeout=45) == 0, output(serve)
    left = [pid for pid in everything if alive(pid)]
    assert left == [], left
