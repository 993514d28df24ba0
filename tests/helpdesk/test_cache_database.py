"""On SQLite the shared cache has a file of its own beside the database's (settings.py,
helpdesk/routers.py), so the throttle counters every API request writes never queue behind
the ticket transactions of other processes, and `manage.py migrate` makes both files."""

import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection, connections, router

from helpdesk.models import CacheEntry
from helpdesk.routers import CACHE_DATABASE, companion_path
from tests.processes import ROOT, child_env

pytestmark = [
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the embedded default only"),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def tables(path):
    """The file's tables, SQLite's own (sqlite_sequence) left out."""
    with sqlite3.connect(path) as db:
        found = db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return {name for (name,) in found if not name.startswith("sqlite_")}


def test_the_cache_is_the_companion_file_and_nothing_else_is_there():
    cache_db = connections[CACHE_DATABASE].settings_dict["NAME"]

    cache.set("throttle_user_7", [1.5], 60)

    assert cache_db == companion_path(connection.settings_dict["NAME"])
    assert router.db_for_write(CacheEntry) == CACHE_DATABASE
    assert CacheEntry.objects.using(CACHE_DATABASE).filter(key__contains="throttle_user_7")
    assert not CacheEntry.objects.using("default").exists()
    assert tables(cache_db) == {"django_migrations", "helpdesk_cacheentry"}
    assert companion_path("/var/lib/tierdesk/db.sqlite3") == "/var/lib/tierdesk/db-cache.sqlite3"


def test_a_list_answers_while_another_process_holds_the_ticket_database(api, agent):
    """Another process (a web worker creating a ticket, the qcluster firing a level) holds the
    database's write lock: an agent's list still reads and counts its throttles. With the
    cache in the database's file the request waited for that lock (its throttles' write)."""
    client = api(agent)
    client.get("/api/tickets/")  # the token's zone and the configuration: read once
    answers = []
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, f"{connection.settings_dict['NAME']}.writer-lock"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "holding\n"
        reader = threading.Thread(target=lambda: answers.append(client.get("/api/tickets/")))
        reader.start()
        reader.join(timeout=10)
        answered_while_held = not reader.is_alive()
    finally:
        holder.kill()
        holder.wait()
    reader.join()
    assert answered_while_held
    assert answers[0].status_code == 200
    assert CacheEntry.objects.filter(key__contains="throttle").exists()


HOLD = """
import fcntl, sys
lock = open(sys.argv[1], "a")
fcntl.flock(lock, fcntl.LOCK_EX)
print("holding", flush=True)
sys.stdin.readline()
"""


@pytest.mark.slow
def test_migrate_makes_the_database_and_its_cache(tmp_path):
    database = tmp_path / "db.sqlite3"
    env = child_env(DATABASE_URL=f"sqlite:///{database}")

    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert done.returncode == 0, done.stderr[-3000:]
    assert "The cache's database (cache):" in done.stdout
    assert tables(tmp_path / "db-cache.sqlite3") == {"django_migrations", "helpdesk_cacheentry"}
    assert {"incidents_ticket", "helpdesk_cacheentry"} <= tables(database)
    assert not Path(f"{database}-cache").exists()
