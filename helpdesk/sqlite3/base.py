"""Django's SQLite backend, with write transactions serialized across processes by a file lock.

gunicorn's workers and the qcluster workers share one database file. Each transaction takes
the file lock `<database>.writer-lock` before BEGIN IMMEDIATE and drops it right after COMMIT or
ROLLBACK, so a waiting writer starts the moment the previous one ends instead of sleeping in
SQLite's busy handler. Writes outside a transaction (autocommit) still rely on the busy
timeout, as do in-memory databases, which no other process can open.
"""

from django.db.backends.sqlite3 import base

from .creation import DatabaseCreation
from .writer_lock import WriterLock


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation

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
