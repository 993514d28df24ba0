"""Write transactions on the embedded SQLite default queue on a file lock (dbtools.sqlite3)."""

import fcntl
import os
import subprocess
import sys
import threading
import time

import pytest
from django.contrib.auth.models import Group
from django.db import OperationalError, connection, transaction

from dbtools.sqlite3.writer_lock import WriterLock
from tests.processes import ROOT, child_env

pytestmark = [
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the embedded default only"),
    # Serialized like every transactional test here: its flush then leaves the content types
    # for the next one to restore, instead of making them anew under other ids.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Holds the lock until told to write; then writes and commits, as another writer would.
HOLDER = """
import fcntl, sqlite3, sys, time
database, lock = sys.argv[1], open(sys.argv[1] + ".writer-lock", "a")
fcntl.flock(lock, fcntl.LOCK_EX)
print("holding", flush=True)
sys.stdin.readline()
db = sqlite3.connect(database, isolation_level=None)
db.execute("BEGIN IMMEDIATE")
db.execute("INSERT INTO auth_group (name) VALUES ('from the holder')")
db.execute("COMMIT")
released = time.monotonic()
fcntl.flock(lock, fcntl.LOCK_UN)
print(released, flush=True)
sys.stdin.readline()
"""

# 40 small write transactions through Django, as a second web worker makes them.
WRITER = """
import django, sys
django.setup()
from django.contrib.auth.models import Group
from django.db import transaction
for n in range(40):
    with transaction.atomic():
        group = Group.objects.create(name=f"{sys.argv[1]}-{n}")
        Group.objects.filter(pk=group.pk).update(name=f"{sys.argv[1]}-{n}!")
"""


def lock_path():
    return f"{connection.settings_dict['NAME']}.writer-lock"


def lock_is_free():
    """Whether another open file (as another process has) could take the lock right now."""
    with open(lock_path(), "a") as other:
        try:
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(other, fcntl.LOCK_UN)
        return True


@pytest.fixture
def holder():
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, connection.settings_dict["NAME"]],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline() == "holding\n"
    yield process
    process.kill()
    process.wait()


def test_a_transaction_holds_the_lock_until_commit_and_savepoints_keep_it():
    with transaction.atomic():
        Group.objects.create(name="first")
        assert not lock_is_free()
        with transaction.atomic():
            Group.objects.create(name="inner")
        assert not lock_is_free()
    assert lock_is_free()


def test_the_lock_is_released_after_a_rollback_and_after_an_exception():
    with transaction.atomic():
        Group.objects.create(name="rolled back")
        transaction.set_rollback(True)
    assert lock_is_free()

    with pytest.raises(RuntimeError), transaction.atomic():
        Group.objects.create(name="failed")
        raise RuntimeError("the view failed")
    assert lock_is_free()
    assert not Group.objects.filter(name__in=["rolled back", "failed"]).exists()


def test_a_writer_waits_for_a_holder_in_another_process_and_starts_when_it_commits(holder):
    def commit():
        holder.stdin.write("commit\n")
        holder.stdin.flush()

    started = time.monotonic()
    threading.Timer(0.3, commit).start()
    with transaction.atomic():
        entered = time.monotonic()
        assert Group.objects.filter(name="from the holder").exists()
    released = float(holder.stdout.readline())

    assert started + 0.3 <= released <= entered
    assert entered - released < 0.1


def test_a_stuck_holder_gives_database_is_locked_after_the_timeout(holder, monkeypatch):
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", 0.3)
    connection.close()  # the next connection reads the timeout

    started = time.monotonic()
    with pytest.raises(OperationalError, match="database is locked"), transaction.atomic():
        Group.objects.create(name="never")
    assert 0.3 <= time.monotonic() - started < 2

    holder.stdin.write("commit\n")
    holder.stdin.flush()
    holder.stdout.readline()
    with transaction.atomic():
        Group.objects.create(name="after the holder")
    # The abandoned wait may still be blocked here (this transaction can take the lock before
    # its thread wakes): it gets the lock once this one lets go, and must let go in its turn.
    for waiter in threading.enumerate():
        if waiter.name == "sqlite-writer-lock":
            waiter.join(5)
            assert not waiter.is_alive()
    assert lock_is_free()  # the abandoned wait let go of the lock it got in the end


def test_two_processes_writing_at_once_all_succeed():
    env = child_env()
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, name], cwd=ROOT, env=env)
        for name in ("a", "b")
    ]
    assert [writer.wait(timeout=120) for writer in writers] == [0, 0]
    assert Group.objects.filter(name__endswith="!").count() == 80


def test_a_forked_child_does_not_share_its_parents_lock(tmp_path):
    lock = WriterLock(str(tmp_path / "db.sqlite3.writer-lock"), timeout=0.2)
    lock.acquire()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through its exit code
        try:
            lock.acquire()
        except Exception:
            os._exit(0)  # it waited for the parent, as a separate process must
        os._exit(1)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert lock.held
    lock.release()


def test_a_write_outside_a_transaction_waits_for_the_lock_not_for_sqlites_busy_handler(holder):
    """The cache's upserts (every API request's throttles) write in autocommit: they queue on the
    lock like a transaction, so they start when the holder lets go, not when SQLite's busy
    handler next looks. The holder here holds only the lock, not SQLite's: a write that ignored
    the lock would go through at once."""

    def commit():
        holder.stdin.write("commit\n")
        holder.stdin.flush()

    threading.Timer(0.3, commit).start()
    assert connection.get_autocommit()
    Group.objects.create(name="outside a transaction")
    written = time.monotonic()
    released = float(holder.stdout.readline())

    assert released <= written
    assert lock_is_free()
    assert Group.objects.filter(name__in=["from the holder", "outside a transaction"]).count() == 2


def test_reads_outside_a_transaction_do_not_take_the_lock(holder):
    assert Group.objects.filter(name="from the holder").count() == 0  # no wait, no error


def checkpointer_here():
    from dbtools.sqlite3 import checkpointer

    return checkpointer.for_database(connection.settings_dict["NAME"])


def test_each_connection_has_the_log_checkpointed_after_its_writes_on_another_thread(
    monkeypatch,
):
    from dbtools.sqlite3 import base, checkpointer

    ran_on = []
    checkpoint = checkpointer.Checkpointer.checkpoint

    def watched(self):
        ran_on.append(threading.get_ident())
        checkpoint(self)

    monkeypatch.setattr(checkpointer.Checkpointer, "checkpoint", watched)
    made = checkpointer_here()
    assert made.settle()
    connection.writes = 0
    for n in range(base.CHECKPOINT_EVERY):
        with transaction.atomic():
            Group.objects.create(name=f"in a transaction {n}")
    assert made.settle()
    assert len(ran_on) == 1 and threading.get_ident() not in ran_on
    for n in range(base.CHECKPOINT_EVERY - 1):
        with transaction.atomic():
            Group.objects.create(name=f"again {n}")
    assert made.settle()
    assert len(ran_on) == 1
    Group.objects.create(name="outside a transaction")  # a write of its own counts too
    assert made.settle()
    assert len(ran_on) == 2


def test_a_write_does_not_wait_for_the_checkpoint_it_asked_for(monkeypatch):
    """The checkpoint copies the log and syncs the disk twice: the request whose write crossed
    the interval goes on while it runs."""
    from dbtools.sqlite3 import base, checkpointer

    running, finish = threading.Event(), threading.Event()

    def slow(self):
        running.set()
        finish.wait(10)

    monkeypatch.setattr(checkpointer.Checkpointer, "checkpoint", slow)
    made = checkpointer_here()
    assert made.settle()
    connection.writes = base.CHECKPOINT_EVERY - 1
    started = time.monotonic()
    with transaction.atomic():
        Group.objects.create(name="crosses the interval")
    assert running.wait(5)
    assert time.monotonic() - started < 2 and not finish.is_set()
    Group.objects.create(name="written while it runs")
    assert lock_is_free()
    finish.set()
    assert made.settle()
    assert (
        Group.objects.filter(name__in=["crosses the interval", "written while it runs"]).count()
        == 2
    )


def test_the_write_ahead_log_stays_short_without_sqlites_own_checkpoint(monkeypatch):
    """SQLite's automatic checkpoint is a backstop far above what the checkpointer lets the log
    grow to: after many writes, the log holds about one checkpoint interval of them."""
    from dbtools.sqlite3 import base

    monkeypatch.setattr(base, "CHECKPOINT_EVERY", 16)

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        assert cursor.fetchone()[0] == base.CHECKPOINT_BACKSTOP
    wide = "x" * 3000  # a page or so a row
    made = checkpointer_here()
    connection.writes = 0
    for n in range(1, base.CHECKPOINT_EVERY * 20 + 1):
        with transaction.atomic():
            Group.objects.create(name=f"{n}")
            Group.objects.filter(name=f"{n}").update(name=f"{n}-{wide[:140]}")
            connection.cursor().execute("SELECT %s", [wide])
        if n % base.CHECKPOINT_EVERY == 0:
            # Done before the next write, as when writes come slower than the disk syncs: the
            # next writer then starts the log over (one racing a checkpoint appends to it).
            assert made.settle()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
        _busy, frames, _copied = cursor.fetchone()
    # Each transaction writes a few pages (the row, its name index, the table's root): 20
    # intervals' worth, left to SQLite's backstop, would be several hundred frames.
    assert frames < base.CHECKPOINT_EVERY * 8


def test_a_checkpoint_that_cannot_run_leaves_the_writes_done_and_the_next_one_tries_again(
    monkeypatch, tmp_path
):
    from dbtools.sqlite3 import base, checkpointer

    made = checkpointer_here()
    assert made.settle()
    runs = made.runs
    # A database file that is not there: "rw" mode cannot open it (and must not make it).
    gone = tmp_path / "gone.sqlite3"
    monkeypatch.setattr(made, "uri", checkpointer.Checkpointer(str(gone)).uri)
    monkeypatch.setattr(base, "CHECKPOINT_EVERY", 1)
    with transaction.atomic():
        Group.objects.create(name="kept")
    assert made.settle()
    Group.objects.create(name="kept too")
    assert made.settle()
    assert made.runs == runs + 2  # tried each time, and the thread still serves
    assert not gone.exists()
    assert lock_is_free()
    assert Group.objects.filter(name__startswith="kept").count() == 2


def test_a_forked_process_checkpoints_on_a_thread_of_its_own():
    """gunicorn's and django-q's workers are forked: the parent's thread is not in them."""
    parent = checkpointer_here()
    assert parent.settle()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child reports through its exit code
        code = 1
        try:
            made = checkpointer_here()
            made.ask()
            code = 0 if made is not parent and made.settle(5) and made.runs == 1 else 1
        finally:
            os._exit(code)
    _, status = os.waitpid(child, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_the_checkpointer_thread_outlives_an_unexpected_error(tmp_path, monkeypatch):
    from dbtools.sqlite3 import checkpointer

    failures = iter([RuntimeError("out of file handles")])
    checkpoint = checkpointer.Checkpointer.checkpoint

    def failing_once(self):
        for failure in failures:
            raise failure
        checkpoint(self)

    monkeypatch.setattr(checkpointer.Checkpointer, "checkpoint", failing_once)
    made = checkpointer.Checkpointer(str(tmp_path / "db.sqlite3"))
    made.ask()
    assert made.settle(2) and made.runs == 1
    made.ask()  # served by the same thread, still alive
    assert made.settle(2) and made.runs == 2
