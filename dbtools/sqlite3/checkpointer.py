"""A thread per process and database file that copies the write-ahead log back into the
database when a connection asks, so that no request waits for the copy and its two fsyncs.

In WAL mode with synchronous=NORMAL a commit appends to the log and syncs nothing; the
checkpoint that copies the log back is where the disk is waited for. Run by the connection
that crossed the interval (dbtools.sqlite3.base), it made that request wait: one create in 24
of a worker in a row, a few milliseconds each (issue 29). Here it runs on a thread of the same
process, with a connection of its own: SQLite releases the GIL while it copies and syncs, so
the request goes on at once.

A checkpoint is PASSIVE: it blocks neither writers nor readers and takes no writer lock. Asks
that come while one runs make one more run, not one each. A checkpoint that fails is logged and
left to the next ask (and to SQLite's own automatic one, the backstop): the writes it would have
copied are safe in the log. The connection is made for each run, in "rw" mode: a database file
deleted meanwhile (a test database torn down) is never made again empty, and a new file of the
same name is the one checkpointed.

Threads do not survive fork: a forked process (gunicorn's and django-q's workers) starts its own
on its first ask.
"""

import logging
import os
import sqlite3
import threading
from pathlib import Path

log = logging.getLogger(__name__)


class Checkpointer:
    def __init__(self, path):
        self.path = path
        self.uri = f"{Path(path).absolute().as_uri()}?mode=rw"
        self.runs = 0  # checkpoints tried, failed ones too (tests wait on it)
        self._changed = threading.Condition()
        self._asked = False
        self._running = False
        self._thread = threading.Thread(
            target=self._serve, name=f"checkpoint {Path(path).name}", daemon=True
        )
        self._thread.start()

    def ask(self):
        """Have the log checkpointed soon; returns at once."""
        with self._changed:
            self._asked = True
            self._changed.notify_all()

    def settle(self, timeout=10.0):
        """Wait until every ask so far has been served; True when it was (the tests use it)."""
        with self._changed:
            return self._changed.wait_for(lambda: not self._asked and not self._running, timeout)

    def _serve(self):
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._asked)
                self._asked, self._running = False, True
            try:
                self.checkpoint()
            except Exception:  # anything but SQLite's own errors: the thread must go on serving
                log.exception("checkpoint of %s failed", self.path)
            finally:
                with self._changed:
                    self._running = False
                    self.runs += 1
                    self._changed.notify_all()

    def checkpoint(self):
        try:
            connection = sqlite3.connect(self.uri, uri=True, isolation_level=None, timeout=5)
        except sqlite3.Error as error:
            log.debug("checkpoint of %s skipped: %s", self.path, error)
            return
        try:
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        except sqlite3.Error as error:
            log.debug("checkpoint of %s skipped: %s", self.path, error)
        finally:
            connection.close()


_made = {}
_making = threading.Lock()


def for_database(path):
    """This process's checkpointer of the database file at `path`."""
    made = _made.get(path)
    if made is None:
        with _making:
            made = _made.get(path)
            if made is None:
                made = _made[path] = Checkpointer(path)
    return made


def _forked():
    global _making
    _made.clear()  # their threads stayed in the parent
    _making = threading.Lock()


os.register_at_fork(after_in_child=_forked)
