"""CPU per request of the flood's two requests (issue 29): an API create and an agent's list.

In-process on PostgreSQL + Redis, through the project's WSGI application (every middleware, as
gunicorn calls it, without gunicorn's HTTP parsing), the requests bench/flood.py sends: `POST
/api/tickets/` as the bench's customer (token) and `GET /api/tickets/` (page 1 of 25) as an
agent of the intake and the bench team (token).

`setup` migrates a template database (the flood's fixtures, bench/scenario.py) and fills it with
`--tickets` tickets: four in five planted on the bench team (as the flood's levels are), one in
five opened by Ticket.open_ticket on the intake team (where the flood's creates go). `measure`
copies the template to a fresh database, then runs `--rounds` rounds, each `--requests` creates
then as many lists, and reports per kind and round: this process's CPU (time.process_time), the
PostgreSQL backend's CPU (/proc/<backend pid>/stat: 10 ms ticks, so read it over a round) and
the wall time, each per request; the queries of one request of each kind. `--root` measures
another checkout's code (the same environment), so main and a branch run in one session:

    python bench/request_cpu.py setup [--tickets 3000] [--database tierdesk_web]
    python bench/request_cpu.py measure [--rounds 5] [--requests 200] [--root ../main]
        [--profile create|list]
"""

import argparse
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script
from bench.create_load import QueryCounter  # noqa: E402
from bench.stack import PG, TICKS, pg_exec, proc_stat  # noqa: E402


def environment(database, redis_db):
    os.environ.update(
        SECRET_KEY=os.environ.get("SECRET_KEY", "bench"),
        DEBUG="false",
        DATABASE_URL=f"{PG}/{database}",
        REDIS_URL=f"redis://127.0.0.1:6379/{redis_db}",
        DJANGO_SETTINGS_MODULE="helpdesk.settings",
        EMAIL_URL="dummymail://",
        LOG_LEVEL="WARNING",
        ALLOWED_HOSTS="localhost,127.0.0.1",
        API_THROTTLE_USER="100000000/min",  # as bench/flood.py: one customer opens every ticket
        TICKET_CREATE_RATE="100000000/min",
    )


def setup(args):
    template = f"{args.database}_template"
    pg_exec(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)', f'CREATE DATABASE "{template}"')
    environment(template, args.redis_db)
    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth.models import User
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from bench import scenario
    from incidents.models import Membership, Team, Ticket

    scenario.reset_database()
    lister = User.objects.get(username="bench-lead")
    Membership.objects.create(user=lister, team=Team.intake(), role="agent")
    Token.objects.get_or_create(user=scenario.CUSTOMER)
    Token.objects.get_or_create(user=lister)
    planted = args.tickets * 4 // 5
    later = timezone.now() + timedelta(days=30)
    scenario.plant("planted", planted, lambda n: later)
    for n in range(args.tickets - planted):
        Ticket.open_ticket(
            requester=scenario.CUSTOMER, subject=f"opened {n}", description="The VPN drops."
        )
    print(f"template {template}: {Ticket.objects.count()} tickets")


def backend_cpu(pid):
    """Seconds of CPU the PostgreSQL backend `pid` has used (user + system)."""
    fields = proc_stat(pid)[1]
    return (int(fields[11]) + int(fields[12])) / TICKS


def wsgi_environ(method, path, token, body=b""):
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_AUTHORIZATION": f"Token {token}",
        "HTTP_ACCEPT": "application/json",
        "HTTP_CONNECTION": "close",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
    }
    if body:
        environ["CONTENT_TYPE"] = "application/json"
        environ["CONTENT_LENGTH"] = str(len(body))
    return environ


def measure(args):
    database = args.database
    pg_exec(
        f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)',
        f'CREATE DATABASE "{database}" TEMPLATE "{database}_template"',
    )
    environment(database, args.redis_db)
    if args.root:
        sys.path.insert(0, str(Path(args.root).resolve()))
    import django

    django.setup()
    import redis
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application
    from django.db import connection
    from rest_framework.authtoken.models import Token

    import incidents

    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    code = str(Path(incidents.__file__).resolve().parents[1])
    tokens = dict(Token.objects.values_list("user__username", "key"))
    app = get_wsgi_application()
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"] = status

    def call(environ, expect):
        body = b"".join(app(environ, start_response))
        if not seen["status"].startswith(expect):
            raise SystemExit(f"{environ['PATH_INFO']}: {seen['status']} {body[:500]!r}")
        return body

    def create(n):
        body = json.dumps({"subject": f"bench {n}", "description": "The VPN drops."}).encode()
        return call(wsgi_environ("POST", "/api/tickets/", tokens["bench-customer"], body), "201")

    def listing(n):
        return call(wsgi_environ("GET", "/api/tickets/", tokens["bench-lead"]), "200")

    kinds = {"create": create, "list": listing}
    for n in range(20):  # imports, caches, the connection
        create(n)
        listing(n)
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    queries = {}
    for kind, request in kinds.items():
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            request(0)
        queries[kind] = counter.count
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile(time.process_time)  # CPU, not the wait for the database
        profiler.enable()
        for n in range(args.requests):
            kinds[args.profile](n)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.top)
        return
    rounds = {kind: [] for kind in kinds}
    for _ in range(args.rounds):
        for kind, request in kinds.items():
            cpu, db, wall = time.process_time(), backend_cpu(backend), time.perf_counter()
            for n in range(args.requests):
                request(n)
            rounds[kind].append(
                {
                    "cpu_ms": 1000 * (time.process_time() - cpu) / args.requests,
                    "db_cpu_ms": 1000 * (backend_cpu(backend) - db) / args.requests,
                    "wall_ms": 1000 * (time.perf_counter() - wall) / args.requests,
                }
            )
    result = {"code": code, "queries": queries, "rounds": rounds, "load": os.getloadavg()}
    for kind, found in rounds.items():
        summary = {}
        for key in ("cpu_ms", "db_cpu_ms", "wall_ms"):
            values = [f[key] for f in found]
            summary[key] = [
                round(statistics.median(values), 2),
                round(min(values), 2),
                round(max(values), 2),
            ]
        result[kind] = summary
    print("RESULT " + json.dumps(result))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["setup", "measure"])
    parser.add_argument("--database", default="tierdesk_web")
    parser.add_argument("--redis-db", type=int, default=13)
    parser.add_argument("--tickets", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--root", help="another checkout whose code to measure")
    parser.add_argument("--profile", choices=["create", "list"])
    parser.add_argument("--top", type=int, default=80, help="functions the profile shows")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(args.root or Path(__file__).resolve().parents[1]).resolve()))
    (setup if args.command == "setup" else measure)(args)


if __name__ == "__main__":
    main()
