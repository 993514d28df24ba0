"""The peer for bench/desk_pages.py: django-helpdesk 2.6.1 with as many tickets, timed alike.

Run with any Python 3.11 (it never imports Django itself): it builds django-helpdesk in its own
virtualenv (bench/peer/.venv-peer, gitignored; never the project's venv), writes a minimal
settings/urls project under bench/peer/project/ (gitignored), then runs itself inside that
virtualenv to migrate a fresh SQLite database, bulk-load N tickets with follow-ups across
9 queues, and time pages with Django's test client as a staff user (warm-up, then `--runs`
timed `Client.get` calls). Prints `RESULT {json}`. Usage:
    python3 bench/peer/peer_bench.py [--tickets 100000] [--runs 30] [--warmup 5]
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv-peer"
PROJECT = HERE / "project"
PACKAGE = "django-helpdesk==2.6.1"

SETTINGS = """\
SECRET_KEY = "peer-bench"
DEBUG = False
ALLOWED_HOSTS = ["*"]
USE_TZ = True
SITE_ID = 1
ROOT_URLCONF = "peer_urls"
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
    "django.contrib.sessions", "django.contrib.messages", "django.contrib.staticfiles",
    "django.contrib.sites", "django.contrib.humanize", "rest_framework", "helpdesk",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
TEMPLATES = [{
    "BACKEND": "django.template.backends.django.DjangoTemplates",
    "APP_DIRS": True,
    "OPTIONS": {"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
    ]},
}]
DATABASES = {"default": {
    "ENGINE": "django.db.backends.sqlite3", "NAME": %(db)r,
    "OPTIONS": {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"},
}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
STATIC_URL = "/static/"
LOGIN_URL = "/helpdesk/login/"
HELPDESK_API_ENABLED = True
HELPDESK_KB_ENABLED = True  # its urls.py fails to import with False (NameError: kb)
HELPDESK_TEAMS_MODE_ENABLED = False  # else it needs pinax-teams and django-user-accounts
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
"""

URLS = """\
from django.urls import include, path

urlpatterns = [path("", include("helpdesk.urls", namespace="helpdesk"))]
"""

QUEUES = 9
BUDGET_SECONDS = 60  # per page, for warm-up and for timed runs each
MIN_RUNS = 3
WORDS = ["printer", "vpn", "laptop", "password", "outlook", "invoice", "erp", "report", "wifi"]


def build(tickets):
    """The virtualenv, the project files and the path of the database for `tickets`."""
    if not (VENV / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pip = [str(VENV / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, PACKAGE], check=True)
    PROJECT.mkdir(exist_ok=True)
    db = f"/tmp/tierdesk_bench_peer_{tickets}.sqlite3"
    (PROJECT / "peer_settings.py").write_text(SETTINGS % {"db": db})
    (PROJECT / "peer_urls.py").write_text(URLS)
    return db


def seed(tickets):
    """Migrate and bulk-load: staff `dana`, 9 queues, tickets (1/4 open) and their follow-ups."""
    import random

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone
    from helpdesk.models import FollowUp, Queue, Ticket

    call_command("migrate", verbosity=0)
    rng, now = random.Random(1), timezone.now()
    User = get_user_model()
    staff = [User.objects.create_user(f"staff{n}", is_staff=True) for n in range(72)]
    User.objects.create_user("dana", "dana@example.com", "pw", is_staff=True)
    queues = [
        Queue.objects.create(title=f"Queue {n}", slug=f"queue-{n}", email_address="q@example.com")
        for n in range(QUEUES)
    ]
    for start in range(0, tickets, 5000):
        with transaction.atomic():
            batch = []
            for _n in range(start, min(start + 5000, tickets)):
                active = rng.random() < 0.25
                words = rng.sample(WORDS, 3)
                batch.append(
                    Ticket(
                        title=f"{words[0].capitalize()} {words[1]} problem ({words[2]})",
                        queue=rng.choice(queues),
                        submitter_email=f"customer{rng.randrange(2000)}@example.com",
                        assigned_to=rng.choice(staff) if not active or rng.random() < 0.6 else None,
                        status=rng.choice([1, 2]) if active else rng.choice([3, 4]),
                        priority=rng.choice([1, 2, 3, 3, 3, 4, 5]),
                        description=f"Since this morning the {words[0]} fails. " * 3,
                    )
                )
            created = Ticket.objects.bulk_create(batch)
            FollowUp.objects.bulk_create(
                FollowUp(ticket=t, title="Comment", comment=f"Update {k + 1}", public=True)
                for t in created
                for k in range(rng.choice([0, 1, 2, 2, 3, 4]))
            )
    with connection.cursor() as cursor:  # spread creation over a year, newest last
        cursor.execute(
            "UPDATE helpdesk_ticket "
            "SET created = datetime(%s, '-' || ((%s - id) %% 365) || ' days')",
            [now.strftime("%Y-%m-%d %H:%M:%S"), tickets],
        )
        cursor.execute("ANALYZE")


def measure(runs, warmup):
    import re

    from django.contrib.auth import get_user_model
    from django.test import Client
    from helpdesk.models import Queue, Ticket

    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(username="dana"))
    queue = Queue.objects.order_by("pk").first()
    ticket = Ticket.objects.filter(status=1, queue=queue).order_by("-pk").first()
    data_url = re.compile(r'"url": "(/datatables_ticket_list/[^"]+)"')

    def list_page(url):
        """The staff list is a page and the request its table makes for the rows."""

        def get():
            page = client.get(url)
            rows = data_url.search(page.content.decode()).group(1)
            return client.get(rows + "?draw=1&start=0&length=25")

        return get

    pages = [
        ("API list, page 1", lambda: client.get("/api/tickets/")),
        ("API list ?status=Open", lambda: client.get("/api/tickets/?status=Open")),
        ("Staff ticket list (page + its data)", list_page("/tickets/")),
        ("Staff list, one queue", list_page(f"/tickets/?queue={queue.pk}")),
        ("Staff list, unassigned", list_page("/tickets/?assigned_to=-1")),
        ("Staff list, search", list_page("/tickets/?q=printer")),
        ("Staff ticket view", lambda: client.get(f"/tickets/{ticket.pk}/")),
    ]
    results = []
    for operation, get in pages:
        started = time.perf_counter()
        for _ in range(warmup):
            response = get()
            assert response.status_code == 200, (operation, response.status_code)
            if time.perf_counter() - started > BUDGET_SECONDS:
                break
        spent, started = [], time.perf_counter()
        # A page taking seconds gets fewer runs: at least MIN_RUNS, then up to the budget.
        while len(spent) < runs and (
            len(spent) < MIN_RUNS or time.perf_counter() - started < BUDGET_SECONDS
        ):
            begun = time.perf_counter()
            get()
            spent.append((time.perf_counter() - begun) * 1000)
        results.append({"operation": operation, **percentiles(spent)})
        print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    return {"tickets": Ticket.objects.count(), "package": PACKAGE, "pages": results}


def percentiles(values):
    import statistics

    ordered = sorted(values)
    return {
        "n": len(ordered),
        "p50": statistics.median(ordered),
        "p95": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
        "max": ordered[-1],
    }


def inside(args):
    sys.path.insert(0, str(PROJECT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "peer_settings"
    import django

    django.setup()
    from helpdesk.models import Ticket

    started = time.perf_counter()
    if not _migrated() or not Ticket.objects.exists():
        seed(args.tickets)
    seeded = round(time.perf_counter() - started, 1)
    result = measure(args.runs, args.warmup)
    print("RESULT " + json.dumps({**result, "seed_seconds": seeded}))


def setup_django(settings, db=None):
    """Inside the virtualenv: Django with the project's `settings` (and PEER_DB = `db`)."""
    sys.path.insert(0, str(PROJECT))
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    if db:
        os.environ["PEER_DB"] = db
    import django

    django.setup()


def run_inside(script, argv):
    """Run `script --inside *argv` with the virtualenv's Python in the project directory."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTHON"))}
    cmd = [str(VENV / "bin" / "python"), str(script), "--inside", *argv]
    return subprocess.run(cmd, env=env, cwd=PROJECT).returncode


def _migrated():
    from django.db import connection

    return "helpdesk_ticket" in connection.introspection.table_names()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--fresh", action="store_true", help="drop the peer's database first")
    parser.add_argument("--inside", action="store_true")
    args = parser.parse_args()
    if args.inside:
        return inside(args)
    db = build(args.tickets)
    if args.fresh:
        for suffix in ("", "-wal", "-shm"):
            Path(db + suffix).unlink(missing_ok=True)
    cmd = [str(VENV / "bin" / "python"), __file__, "--inside", "--tickets", str(args.tickets)]
    cmd += ["--runs", str(args.runs), "--warmup", str(args.warmup)]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTHON"))}
    sys.exit(subprocess.run(cmd, env=env, cwd=PROJECT).returncode)


if __name__ == "__main__":
    main()
