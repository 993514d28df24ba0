"""The peer for bench/create_load.py: django-helpdesk 2.6.1 opening tickets through its API.

Run with any Python 3.11 (it never imports Django itself). It builds django-helpdesk in its own
virtualenv (bench/peer/.venv-peer, with gunicorn; never the project's venv) through
peer_bench.build, and writes peer_create_settings.py beside peer_bench's settings: the same
project with DRF token authentication (its `POST /api/tickets/` is for staff only) and the
SQLite options Tierdesk uses under concurrent writers (IMMEDIATE, 30 s busy timeout).

    peer_create.py setup --db PATH           migrate a fresh database, staff `dana` with a
                                             token, one queue; prints `SETUP {json}`
    peer_create.py inprocess --db PATH -n N  N creates in a row with Django's test client;
                                             prints `RESULT {json}`
    peer_create.py serve --db PATH --bind A --workers W [--conn-max-age S]
                                             exec gunicorn on the peer's WSGI app
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import peer_bench  # noqa: E402  (the virtualenv and the project files)

SETTINGS = """\
import os

from peer_settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "rest_framework.authtoken"]  # noqa: F405
DATABASES["default"]["NAME"] = os.environ["PEER_DB"]  # noqa: F405
OPTIONS = DATABASES["default"]["OPTIONS"]  # noqa: F405
OPTIONS.update({"transaction_mode": "IMMEDIATE", "timeout": 30})
DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("PEER_CONN_MAX_AGE", "0"))  # noqa: F405
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
}
"""

WSGI = """\
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer_create_settings")
from django.core.wsgi import get_wsgi_application

application = get_wsgi_application()
"""


def build():
    peer_bench.build(0)
    pip = [str(peer_bench.VENV / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    if not (peer_bench.VENV / "bin" / "gunicorn").exists():
        subprocess.run([*pip, "gunicorn"], check=True)
    (peer_bench.PROJECT / "peer_create_settings.py").write_text(SETTINGS)
    (peer_bench.PROJECT / "peer_create_wsgi.py").write_text(WSGI)


def ticket_body(n, queue):
    return {
        "queue": queue,
        "title": f"VPN drops every few minutes ({n})",
        "description": "Since this morning the VPN drops every few minutes.",
        "submitter_email": "alice@example.com",
        "priority": 3,
    }


def setup():
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from helpdesk.models import Queue
    from rest_framework.authtoken.models import Token

    call_command("migrate", verbosity=0)
    dana = get_user_model().objects.create_user("dana", "dana@example.com", "pw", is_staff=True)
    queue = Queue.objects.create(
        title="Service Desk", slug="service-desk", email_address="desk@example.com"
    )
    token = Token.objects.create(user=dana)
    return {"token": token.key, "queue": queue.pk}


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def inprocess(creates):
    """`creates` POSTs in a row (after 5 untimed ones): per-create ms and queries."""
    from django.db import connection
    from django.test import Client
    from helpdesk.models import Queue
    from rest_framework.authtoken.models import Token

    token = Token.objects.get(user__username="dana").key
    queue = Queue.objects.get(slug="service-desk").pk
    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Token {token}")

    def post(n):
        body = json.dumps(ticket_body(n, queue))
        response = client.post("/api/tickets/", body, content_type="application/json")
        assert response.status_code == 201, (response.status_code, response.content[:500])

    for n in range(5):
        post(n)
    counter, spent = QueryCounter(), []
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        for n in range(creates):
            begun = time.perf_counter()
            post(n)
            spent.append((time.perf_counter() - begun) * 1000)
        total = time.perf_counter() - started
    return {
        "creates": creates,
        "per_second": creates / total,
        "ms": spent,
        "queries_per_create": counter.count / creates,
    }


def inside(args):
    sys.path.insert(0, str(peer_bench.PROJECT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "peer_create_settings"
    os.environ["PEER_DB"] = args.db
    import django

    django.setup()
    if args.command == "setup":
        print("SETUP " + json.dumps(setup()), flush=True)
    elif args.command == "inprocess":
        print("RESULT " + json.dumps(inprocess(args.n)), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["setup", "inprocess", "serve"])
    parser.add_argument("--db", required=True)
    parser.add_argument("-n", type=int, default=300)
    parser.add_argument("--bind", default="127.0.0.1:8771")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--conn-max-age", type=int, default=0)
    parser.add_argument("--inside", action="store_true")
    args = parser.parse_args()
    if args.inside:
        return inside(args)
    build()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTHON"))}
    env["PEER_DB"] = args.db
    env["PEER_CONN_MAX_AGE"] = str(args.conn_max_age)
    if args.command == "serve":
        gunicorn = str(peer_bench.VENV / "bin" / "gunicorn")
        argv = [gunicorn, "peer_create_wsgi", "-w", str(args.workers), "-b", args.bind]
        os.chdir(peer_bench.PROJECT)
        os.execve(gunicorn, [*argv, "--log-level", "warning"], env)
    cmd = [str(peer_bench.VENV / "bin" / "python"), __file__, args.command, "--inside"]
    cmd += ["--db", args.db, "-n", str(args.n)]
    sys.exit(subprocess.run(cmd, env=env, cwd=peer_bench.PROJECT).returncode)


if __name__ == "__main__":
    main()
