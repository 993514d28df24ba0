"""How much of an API create holds SQLite's writer lock (dbtools.sqlite3), in-process?

A fresh temporary SQLite database, migrated and seeded (`seed_demo`), throttles lifted as
bench/create_load.py lifts them; 50 warm-up creates as `alice`, then `--creates` timed POSTs to
/api/tickets/ through Django's test client, each with the time the writer lock was held (from
its acquisition to its release, summed over the create's transactions and its writes outside
one: the throttles' cache row). Prints the medians;
the lock's share bounds how far a served create rate on one SQLite file can go with more
workers. Usage: python bench/create_lock_share.py [--creates 300]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--creates", type=int, default=300)
    args = parser.parse_args()
    db = Path(tempfile.mkdtemp()) / "tierdesk.sqlite3"
    os.environ.pop("REDIS_URL", None)
    os.environ.update(
        DATABASE_URL=f"sqlite:///{db}",
        SECRET_KEY="bench",
        DEBUG="false",
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="helpdesk.settings",
        API_THROTTLE_USER="100000000/min",
        TICKET_CREATE_RATE="100000000/min",
    )
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, check=True)
    subprocess.run([*manage, "seed_demo"], cwd=ROOT, check=True, capture_output=True)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from dbtools.sqlite3 import writer_lock

    held, since = [], [0.0]
    acquire, release = writer_lock.WriterLock.acquire, writer_lock.WriterLock.release

    def timed_acquire(self, *a, **k):
        result = acquire(self, *a, **k)
        since[0] = time.perf_counter()
        return result

    def timed_release(self, *a, **k):
        held.append(time.perf_counter() - since[0])
        return release(self, *a, **k)

    writer_lock.WriterLock.acquire, writer_lock.WriterLock.release = timed_acquire, timed_release
    alice = get_user_model().objects.get(username="alice")
    token = Token.objects.get_or_create(user=alice)[0].key
    client = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Token {token}")
    body = {"subject": "VPN drops every few minutes", "description": "Since this morning."}
    for _ in range(50):
        client.post("/api/tickets/", body, content_type="application/json")
    totals, locked, transactions = [], [], []
    for _ in range(args.creates):
        held.clear()
        started = time.perf_counter()
        response = client.post("/api/tickets/", body, content_type="application/json")
        totals.append(time.perf_counter() - started)
        locked.append(sum(held))
        transactions.append(len(held))
        assert response.status_code == 201, response.status_code  # noqa: S101
    total, lock = statistics.median(totals) * 1000, statistics.median(locked) * 1000
    print(
        f"{args.creates} creates: median {total:.2f} ms, writer lock held {lock:.2f} ms "
        f"({lock / total:.0%}), {statistics.median(transactions):.0f} hold(s) of the lock each"
    )


if __name__ == "__main__":
    main()
