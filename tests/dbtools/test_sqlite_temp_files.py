"""SQLite keeps its temporary files in memory (settings.py: PRAGMA temp_store=MEMORY). As files,
a third of the API creates made one in /var/tmp inside their transaction, with the write lock
held: the statement journal of the ticket's INSERT, whose reference trigger changes the row
again (docs/benchmarks.md, "Thirteenth pass")."""

import os
import sqlite3
from pathlib import Path

import pytest
from django.db import connection, connections

from helpdesk.routers import cache_database
from incidents.models import Ticket

pytestmark = [
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the embedded default only"),
    pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads Linux's /proc"),
]


def temporary_files():
    """The files this process holds open that SQLite made for temporary use: named etilqs_…,
    unlinked as soon as they are opened."""
    found = []
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:  # closed since the listing
            continue
        if "etilqs_" in target:
            found.append(target)
    return found


def test_the_check_sees_a_temporary_file_when_there_is_one():
    """The check itself: a temporary table too big for its cache, on a file, is seen."""
    db = sqlite3.connect(":memory:")
    try:
        db.execute("PRAGMA temp_store = FILE")
        db.execute("CREATE TEMP TABLE spill (x)")
        db.execute("PRAGMA temp.cache_size = 2")
        db.executemany("INSERT INTO spill VALUES (?)", [("a" * 1000,)] * 200)
        assert temporary_files()
    finally:
        db.close()


@pytest.mark.django_db
def test_every_connection_keeps_temporary_files_in_memory():
    aliases = ["default", cache_database()] if cache_database() else ["default"]
    for alias in aliases:
        with connections[alias].cursor() as cursor:
            cursor.execute("PRAGMA temp_store")
            assert cursor.fetchone() == (2,), alias  # 2: MEMORY


@pytest.mark.django_db
def test_opening_tickets_makes_no_temporary_file(customer):
    """Checked right after each ticket's INSERT, inside the transaction, for 300 tickets: with
    temp_store=FILE the INSERT of the 181st and of every later one held a file open here (the
    statement journal, once the transaction's pages were many)."""
    seen = []

    def check(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.startswith('INSERT INTO "incidents_ticket"'):
            seen.append(temporary_files())
        return result

    with connection.execute_wrapper(check):
        for n in range(300):
            Ticket.open_ticket(requester=customer, subject=f"Printer {n}", description="x" * 300)
    assert len(seen) == 300
    assert not any(seen), [n for n, files in enumerate(seen) if files][:3]
