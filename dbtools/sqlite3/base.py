"""Django's SQLite backend, with write transactions serialized across processes by a file lock.

gunicorn's workers and the qcluster workers share one database file. Each transaction takes
the file lock `<database>.writer-lock` before BEGIN IMMEDIATE and drops it right after COMMIT or
ROLLBACK, so a waiting writer starts the moment the previous one ends instead of sleeping in
SQLite's busy handler. A write statement outside a transaction (autocommit: the cache's
upserts that count every API request against its throttles, say) takes the same lock for its
own length: it used to meet a writer in SQLite's busy handler, which sleeps 1, 2, 5, 10… ms
before it looks again, whatever the holder's commit (issue 29: two served web workers slept
there a quarter of their time). In-memory databases, which no other process can open, rely on
the busy timeout alone.

Checkpoints run outside the lock, and outside the request. SQLite's automatic checkpoint copies
the write-ahead log back into the database (a thousand pages, two fsyncs) inside the COMMIT
that crossed its threshold, so under the writer lock, while every other writer waits: about
an eighth of a create's time under the lock (issue 29, docs/benchmarks.md). Here each
connection, after every CHECKPOINT_EVERY of its writes, once it has let the lock go, asks its
process's checkpointer thread (checkpointer.py) for a PASSIVE checkpoint, which blocks neither
writers nor readers, and goes on without waiting for it; SQLite's own stays as a backstop at
CHECKPOINT_BACKSTOP pages, far beyond what the checkpointers leave between theirs.

Its cursor also keeps the statements it has rewritten from Django's "%s" placeholders to
SQLite's "?": Django runs a regular expression over every statement's text, every time, and a
ticket's create sends the same dozen statements each time (about 5% of its CPU).

That cache overrides `SQLiteCursorWrapper.convert_query`, which is not Django's public API: the
one private seam the project keeps, because it is pinned (Django 5.2 LTS) and a property test
(tests/dbtools/test_sqlite_statements.py) checks every rewrite against Django's own. It is a
candidate for upstream: a cursor that caches `convert_query` per statement text would serve
every SQLite user of Django.
"""

from functools import lru_cache

from django.db.backends.sqlite3 import base

from . import checkpointer
from .creation import DatabaseCreation
from .writer_lock import WriterLock

# A connection's write transactions and writes outside one between its own checkpoints. An API
# create is one of each and writes some 42 pages to the log (its ticket, event, clock, firings,
# outbox and task rows with their indexes, and the throttles' cache row): one writer then
# checkpoints about every thousand pages as SQLite's default would, two writers twice as often.
CHECKPOINT_EVERY = 48
# SQLite's automatic checkpoint, in pages, for a log the connections' own would leave growing.
CHECKPOINT_BACKSTOP = 10_000

# At most this many statements of at most this many characters: the long ones are a burst's
# multi-row statements, each with its own number of rows, not worth keeping.
KEPT, KEPT_LENGTH = 512, 4096


def _qmark(query):
    if len(query) > KEPT_LENGTH:
        return _rewrite(query)
    return _kept(query)


def _writes(query):
    """Whether a statement writes: Django's and ours start with their verb."""
    if len(query) > KEPT_LENGTH:
        return _verb_writes(query)
    return _kept_writes(query)


def _verb_writes(query):
    return query.lstrip()[:7].upper().startswith(WRITE_VERBS)


WRITE_VERBS = ("INSERT", "UPDATE", "DELETE", "REPLACE")
_kept_writes = lru_cache(maxsize=KEPT)(_verb_writes)


def _rewrite(query):
    return base.FORMAT_QMARK_REGEX.sub("?", query).replace("%%", "%")


_kept = lru_cache(maxsize=KEPT)(_rewrite)


class Cursor(base.SQLiteCursorWrapper):
    """Django's cursor, rewriting each distinct short statement once (`_qmark`), and taking the
    writer lock around a write statement made outside a transaction."""

    database = None  # the DatabaseWrapper whose writer lock it takes, set by its create_cursor

    def execute(self, query, params=None):
        return self._run(query, super().execute, params)

    def executemany(self, query, param_list):
        return self._run(query, super().executemany, param_list)

    def _run(self, query, run, params):
        lock = self._lock_for(query)
        if lock is None:
            return run(query, params)
        lock.acquire()
        try:
            result = run(query, params)
        finally:
            lock.release()
        self.database.wrote()
        return result

    def _lock_for(self, query):
        """The lock a statement must take: a write in autocommit. In a transaction the lock is
        held from BEGIN to its end already (DatabaseWrapper).

        It is let go when the statement has run. A write with RETURNING whose rows are not all
        read yet keeps SQLite's own lock until its cursor is read or closed: a writer that took
        the file lock meanwhile waits those microseconds in the busy handler, as before."""
        if self.database is None or self.connection.in_transaction or not _writes(query):
            return None
        return self.database._writer_lock()

    def convert_query(self, query, *, param_names=None):
        if param_names is None:
            return _qmark(query)
        return super().convert_query(query, param_names=param_names)


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation

    def create_cursor(self, name=None):
        cursor = self.connection.cursor(factory=Cursor)
        if self._writer_lock() is not None:
            cursor.database = self
        return cursor

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.writer_lock = None
        self.writes = 0  # since this connection's last checkpoint

    def get_new_connection(self, conn_params):
        connection = super().get_new_connection(conn_params)
        if self._writer_lock() is not None:
            connection.execute(f"PRAGMA wal_autocheckpoint = {CHECKPOINT_BACKSTOP}")
        return connection

    def _start_transaction_under_autocommit(self):
        lock = self._writer_lock()
        if lock is None:
            return super()._start_transaction_under_autocommit()
        with self.wrap_database_errors:
            lock.acquire()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            lock.release()
            raise

    def _commit(self):
        try:
            result = super()._commit()
        finally:
            self._release_writer_lock()
        if self.writer_lock is not None:
            self.wrote()
        return result

    def wrote(self):
        """Count a transaction or a write outside one, its lock now let go (a transaction that
        only read counts too: harmless, a checkpoint with nothing to copy costs next to
        nothing); every CHECKPOINT_EVERY, have the log checkpointed."""
        self.writes += 1
        if self.writes >= CHECKPOINT_EVERY:
            self.writes = 0
            self.checkpoint()

    def checkpoint(self):
        """Ask this process's checkpointer thread to copy the log's committed pages into the
        database file, and go on: the request that made the write waits neither for the copy
        nor for its fsyncs, and cannot fail for them (checkpointer.py)."""
        checkpointer.for_database(self.settings_dict["NAME"]).ask()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_writer_lock()

    def _close(self):
        try:
            return super()._close()
        finally:
            if self.writer_lock is not None:
                self.writer_lock.close()
                self.writer_lock = None

    def _release_writer_lock(self):
        if self.writer_lock is not None:
            self.writer_lock.release()

    def _writer_lock(self):
        """The lock for this database, or None when transactions do not take the write lock."""
        if self.transaction_mode not in ("IMMEDIATE", "EXCLUSIVE") or self.is_in_memory_db():
            return None
        path = f"{self.settings_dict['NAME']}.writer-lock"
        if self.writer_lock is None or self.writer_lock.path != path:
            if self.writer_lock is not None:
                self.writer_lock.close()
            timeout = self.settings_dict["OPTIONS"].get("timeout", 5)
            self.writer_lock = WriterLock(path, timeout)
        return self.writer_lock
