"""The framework's floor for bench/create_load.py: how fast can Django + DRF open anything?

A minimal project in this file: one model (a subject, a description, an owner, a timestamp),
DRF token authentication, a `ListCreateAPIView` with a `ModelSerializer`, one middleware, SQLite in
WAL mode with the options Tierdesk uses, and connections kept as Tierdesk ships them for SQLite
(`CONN_MAX_AGE` 600 with health checks; Django's plain sqlite3 backend, not Tierdesk's
`dbtools.sqlite3`, which bench may not import). `POST /api/notes/` inserts one row and
answers 201 with it. Tierdesk's create does the same plus a ticket's event, clock, firings, due
times and receipt, so this is what any create costs before it does any work of its own.

* in-process: `--creates` POSTs in a row through Django's test client, as create_load.py's
  in-process run does (after 20 untimed), for `--rounds` rounds;
* served (unless `--no-served`): then, on the same database, `--rounds` rounds of gunicorn
  (`--workers` sync workers) driven by create_load.py's loopback load generator for `--seconds`
  with `--connections` concurrent connections, a new one per request, as create_load.py serves
  Tierdesk. The load generator runs in this process, on the same cores as the server.

Served, gunicorn imports `bench.create_floor:application`: with `FLOOR_DB` set to a database
that `populate()` has prepared, this module configures Django for it, defines the model and
URL (no migration) and exposes the WSGI application. Usage:
    python bench/create_floor.py [--creates 300] [--rounds 3] [--seconds 20]
        [--connections 8] [--workers 2] [--no-served]
Prints the median creates/s and ms per create, in-process and served; saves
bench/results/create_floor-<stamp>.json.
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import django
from django.conf import settings

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
BODY = {"subject": "VPN drops every few minutes", "description": "Since."}


def database(db):
    """SQLite in WAL mode with Tierdesk's options, or PostgreSQL for a `postgres://` URL
    (bench/flood_floor.py, beside the flood's stack); connections kept as Tierdesk keeps them
    (the test client never closes them, so this only matters served)."""
    kept = {"CONN_MAX_AGE": 600, "CONN_HEALTH_CHECKS": True}
    if db.startswith("postgres://"):
        import environ

        return {**environ.Env.db_url_config(db), **kept}
    options = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": db, "OPTIONS": options, **kept}


def configure(db):
    settings.configure(
        SECRET_KEY="floor",
        DEBUG=False,
        ALLOWED_HOSTS=["*"],
        USE_TZ=True,
        ROOT_URLCONF=__name__,
        INSTALLED_APPS=[
            "django.contrib.auth",
            "django.contrib.contenttypes",
            "rest_framework",
            "rest_framework.authtoken",
        ],
        MIDDLEWARE=["django.middleware.common.CommonMiddleware"],
        DATABASES={"default": database(db)},
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        REST_FRAMEWORK={
            "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.TokenAuthentication"],
            "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
        },
    )
    django.setup()


urlpatterns = []


def define():
    """The model, its serializer, the view and its URL; returns the model (no table made)."""
    from django.contrib.auth.models import User
    from django.db import models
    from django.urls import path
    from rest_framework import generics, pagination, serializers

    class Note(models.Model):
        subject = models.CharField(max_length=200)
        description = models.TextField()
        owner = models.ForeignKey(User, on_delete=models.CASCADE)
        created = models.DateTimeField(auto_now_add=True)

        class Meta:
            app_label = "floor"

        def __str__(self):
            return self.subject

    class NoteSerializer(serializers.ModelSerializer):
        class Meta:
            model = Note
            fields = ["id", "subject", "description", "created"]

    class Page(pagination.PageNumberPagination):
        page_size = 25

    class Notes(generics.ListCreateAPIView):
        """POST: one note (what create_load's floor measures); GET: the owner's newest first,
        25 a page with DRF's own paginator (bench/flood_floor.py's list reads)."""

        serializer_class = NoteSerializer
        pagination_class = Page

        def get_queryset(self):
            return Note.objects.filter(owner=self.request.user).order_by("-id")

        def perform_create(self, serializer):
            serializer.save(owner=self.request.user)

    urlpatterns.append(path("api/notes/", Notes.as_view()))
    return Note


def populate(note):
    """Migrate, create the `note` model's table and a user with a token; returns the token."""
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from rest_framework.authtoken.models import Token

    call_command("migrate", verbosity=0)
    with connection.schema_editor() as editor:
        editor.create_model(note)
    user = User.objects.create_user("alice", "alice@example.com", "pw")
    return Token.objects.create(user=user).key


def application_for(db):
    """The WSGI application a gunicorn worker serves, on a database `populate()` prepared."""
    from django.core.wsgi import get_wsgi_application

    configure(db)
    define()
    return get_wsgi_application()


if __name__ != "__main__" and "FLOOR_DB" in os.environ:
    application = application_for(os.environ["FLOOR_DB"])


def inprocess(token, creates, rounds):
    """`rounds` rounds of `creates` POSTs in a row through the test client; creates/s each."""
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Token {token}")
    body = json.dumps(BODY)

    def post():
        response = client.post("/api/notes/", body, content_type="application/json")
        assert response.status_code == 201, response.content[:300]

    for _ in range(20):
        post()
    rates = []
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(creates):
            post()
        rates.append(creates / (time.perf_counter() - started))
    return rates


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(db, port, workers):
    """gunicorn serving this module on `db`, from the venv as create_load.serve_ours runs it."""
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    app = "bench.create_floor:application"
    cmd = [gunicorn, app, "-w", str(workers), "-b", f"127.0.0.1:{port}", "--log-level", "warning"]
    env = {**os.environ, "FLOOR_DB": db, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(cmd, cwd=ROOT, env=env)


def served_rounds(db, token, args):
    """`args.rounds` runs of create_load's load generator against a fresh gunicorn each."""
    from bench.create_load import http_post, served

    runs = []
    for _ in range(args.rounds):
        port = free_port()

        def request_for(k, n, port=port):
            body = {**BODY, "subject": f"{BODY['subject']} {k}/{n}"}
            return http_post(port, token, body, path="/api/notes/")

        runs.append(served(serve(db, port, args.workers), port, request_for, args))
        print(f"served round {len(runs)}: {json.dumps(runs[-1])}", flush=True)
        if not runs[-1]["creates"]:
            raise SystemExit(f"no note created: statuses {runs[-1]['statuses']}")
    return runs


def served_summary(runs, args):
    """The medians over the served rounds, and the rounds themselves."""

    def median(key):
        values = [run[key] for run in runs if run[key] is not None]
        return statistics.median(values) if values else None

    return {
        "workers": args.workers,
        "connections": args.connections,
        "seconds": args.seconds,
        "per_second": median("per_second"),
        "p50_ms": median("p50_ms"),
        "p95_ms": median("p95_ms"),
        "server_cpu_ms": median("server_cpu_ms"),
        "peak_rss_mb": median("peak_rss_mb"),
        "load_generator_cpu": median("load_generator_cpu"),
        "rounds": runs,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--creates", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--served", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = str(Path(folder) / "floor.sqlite3")
        configure(db)
        token = populate(define())
        rates = inprocess(token, args.creates, args.rounds)
        result = {
            "creates": args.creates,
            "rounds": [round(rate, 1) for rate in rates],
            "per_second": statistics.median(rates),
            "ms_per_create": 1000 / statistics.median(rates),
        }
        print(
            f"floor: {result['per_second']:.0f} creates/s in-process "
            f"({result['ms_per_create']:.2f} ms a create; rounds {result['rounds']})",
            flush=True,
        )
        if args.served:
            from django.db import connections

            connections.close_all()  # the workers have the file to themselves
            result["served"] = served_summary(served_rounds(db, token, args), args)
    if args.served:
        s = result["served"]
        print(
            f"floor: {s['per_second']:.0f} creates/s served (gunicorn -w {args.workers}, "
            f"{args.connections} connections; p50 {s['p50_ms']:.1f} ms, p95 {s['p95_ms']:.1f} ms; "
            f"server CPU {s['server_cpu_ms']:.2f} ms a create; peak RSS {s['peak_rss_mb']:.0f} MB; "
            f"load generator {s['load_generator_cpu']:.0%} of a core; "
            f"rounds {[round(run['per_second'], 1) for run in s['rounds']]})"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"create_floor-{stamp}.json").write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))  # for bench.create_load, as gunicorn finds bench.create_floor
    sys.exit(main())
