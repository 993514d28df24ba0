"""Django's SQLite backend, with write transactions serialized across processes by a file lock.

gunicorn's workers and the qcluster workers share one database file. Each transaction takes
the file lock `<database>.writer-lock` before BEGIN IMMEDIATE and drops it right after COMMIT or
ROLLBACK, so a waiting writer starts the moment the previous one ends instead of sleeping in
SQLite's busy handler. Writes outside a transaction (autocommit) still rely on the busy
timeout, as do in-memory databases, which no other process can open.

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

from .creation import DatabaseCreation
from .writer_lock import WriterLock

# At most this many statements of at most this many characters: the long ones are a burst's
# multi-row statements, each with its own number of rows, not worth keeping.
KEPT, KEPT_LENGTH = 512, 4096


def _qmark(query):
    if len(query) > KEPT_LENGTH:
        return _rewrite(query)
    return _kept(query)


def _rewrite(query):
    return base.FORMAT_QMARK_REGEX.sub("?", query).replace("%%", "%")


_kept = lru_cache(maxsize=KEPT)(_rewrite)


class Cursor(base.SQLiteCursorWrapper):
    """Django's cursor, rewriting each distinct short statement once (`_qmark`)."""

    def convert_query(self, query, *, param_names=None):
        if param_names is None:
            return _qmark(query)
        return super().convert_query(query, param_names=param_names)


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation

    def create_cursor(self, name=None):
        return self.connection.cursor(factory=Cursor)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.writer_lock = None

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
            return super()._commit()
        finally:
            self._release_writer_lock()

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
