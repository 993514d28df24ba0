"""Limits hold across web processes: gunicorn with two workers on the shared cache (the
database's without Redis, Redis with it) lets exactly the allowance through, whichever worker
answers (issue 21, finding 7)."""

import re
import signal
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.contrib.auth.models import User

from helpdesk import probe
from incidents.models import Ticket
from tests.processes import GUNICORN, answers, free_port, kill_group, output, spawn, wait_until

# Committed rows, for the server's processes to see. Not serialized: a transactional test before
# it in the same worker may have flushed what a restore would load, so it makes what it needs.
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
REDIS_URL = "redis://127.0.0.1:6379/12"


@pytest.fixture(params=["database", "redis"])
def served(request, tmp_path):
    """gunicorn -w 2 on a free loopback port, against this test's database; its base URL and
    the access log (one line per request, with the worker's pid)."""
    env = {"GUEST_SUBMISSIONS_PER_IP_HOUR": 10, "GUEST_SUBMISSIONS_PER_EMAIL_HOUR": 100}
    if request.param == "redis":
        if not probe.redis(REDIS_URL):
            pytest.skip(f"the Redis run needs Redis at {REDIS_URL}")
        redis.Redis.from_url(REDIS_URL).flushdb()
        env["REDIS_URL"] = REDIS_URL
    port, log = free_port(), tmp_path / "access.log"
    server = spawn(
        [GUNICORN, "helpdesk.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}"]
        + ["--access-logfile", str(log), "--access-logformat", "%(p)s %(s)s %(U)s"],
        **env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        up = wait_until(lambda: answers(base), timeout=60)
        assert up, output(server)
        yield base, log
    finally:
        kill_group(server, signal.SIGTERM)
        server.wait(timeout=30)


def form_post(base, path, data):
    """GET the form for its CSRF cookie and token, then POST it on a new connection."""
    with requests.Session() as session:
        page = session.get(base + path, timeout=10).text
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        headers = {"Referer": base + path}
        answer = session.post(
            base + path, {**data, "csrfmiddlewaretoken": token}, headers=headers, timeout=30
        )
        return answer.status_code


def workers_that_answered(log):
    return {line.split()[0] for line in log.read_text().splitlines() if line.strip()}


def test_thirty_guest_tickets_against_a_limit_of_ten_let_exactly_ten_through(served, teams):
    base, log = served
    form = {"subject": "VPN", "description": "Drops", "impact": "low", "urgency": "low"}
    with ThreadPoolExecutor(4) as pool:
        codes = list(
            pool.map(
                lambda n: form_post(base, "/portal/guest/", {**form, "email": f"g{n}@e.com"}),
                range(30),
            )
        )
    assert sorted(codes) == [200] * 10 + [429] * 20
    assert Ticket.objects.count() == 10
    assert len(workers_that_answered(log)) == 2  # both processes counted


def test_the_login_lockout_holds_across_workers(served):
    base, log = served
    user = User.objects.create(
        username="victim", password=make_password("Right-Pass-42", hasher=PBKDF2PasswordHasher())
    )
    with ThreadPoolExecutor(2) as pool:  # two at a time, so both workers take guesses
        guesses = list(
            pool.map(
                lambda n: form_post(
                    base, "/accounts/login/", {"login": user.username, "password": f"guess{n}"}
                ),
                range(8),
            )
        )
    assert sorted(guesses) == [200] * 4 + [429] * 4  # AXES_FAILURE_LIMIT 5: the fifth locks it
    right = form_post(
        base, "/accounts/login/", {"login": user.username, "password": "Right-Pass-42"}
    )
    assert right == 429
    assert len(workers_that_answered(log)) == 2


def test_gunicorn_with_two_workers_refuses_a_per_process_cache():
    server = spawn(
        [GUNICORN, "helpdesk.wsgi", "-w", "2", "-b", f"127.0.0.1:{free_port()}"],
        CACHE_URL="locmemcache://",
    )
    try:
        assert wait_until(lambda: server.poll() is not None, timeout=60), output(server)
    finally:
        kill_group(server, signal.SIGTERM)
    assert server.returncode != 0
    assert "2 web processes cannot share a per-process cache" in output(server)
