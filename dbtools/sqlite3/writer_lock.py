"""An exclusive lock on a file, shared by every process writing one SQLite database.

SQLite's own busy handler makes a waiting writer sleep 1, 2, 5, 10, 15, 20, 25… ms between
tries, so it wakes long after the holder committed and the CPU idles. A writer blocked in
flock() wakes the moment the holder releases it.
"""

import fcntl
import os
import sqlite3
import threading


class WriterLock:
    """One per connection: flock on `path`, given up with an error after `timeout` seconds."""

    def __init__(self, path, timeout):
        self.path = path
        self.timeout = timeout
        self.held = False
        self._fd = None
        self._pid = None

    def acquire(self):
        fd = self._descriptor()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._wait(fd)
        self.held = True

    def release(self):
        if self.held and self._pid == os.getpid():
            self.held = False
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self):
        self.release()
        if self._fd is not None and self._pid == os.getpid():
            os.close(self._fd)
        self._fd = None

    def _descriptor(self):
        if self._fd is not None and self._pid != os.getpid():
            # Inherited across fork: it shares its lock with the parent, so never lock or unlock
            # it here. Closing this copy leaves the parent's lock alone.
            os.close(self._fd)
            self._fd, self.held = None, False
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
            self._pid = os.getpid()
        return self._fd

    def _wait(self, fd):
        """Block in flock() on a helper thread, so that waiting can end after `timeout`.

        The thread locks a duplicate of `fd` (same open file, same lock). If we give up first,
        we close `fd`; the thread's duplicate is then the last reference, and closing it once
        the lock comes releases the lock again.
        """
        duplicate = os.dup(fd)
        done, guard = threading.Event(), threading.Lock()
        outcome = {"abandoned": False, "error": None}

        def block():
            try:
                fcntl.flock(duplicate, fcntl.LOCK_EX)
            except OSError as error:
                outcome["error"] = error
            finally:
                with guard:
                    os.close(duplicate)
                    done.set()

        threading.Thread(target=block, name="sqlite-writer-lock", daemon=True).start()
        done.wait(self.timeout)
        with guard:
            if not done.is_set():
                outcome["abandoned"] = True
                os.close(self._fd)
                self._fd = None
        if outcome["abandoned"]:
            raise sqlite3.OperationalError(
                f"database is locked: another writer held {self.path} for {self.timeout} s"
            )
        if outcome["error"]:
            raise outcome["error"]
