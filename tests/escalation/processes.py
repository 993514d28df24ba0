"""Helpers for tests that run real worker processes against the test database."""

import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def database_url():
    """A DATABASE_URL naming the test database this test runs on."""
    settings = connection.settings_dict
    if settings["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(settings['NAME']).resolve()}"
    user = settings.get("USER") or "postgres"
    host = settings.get("HOST") or "127.0.0.1"
    port = settings.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{settings['NAME']}"


def child_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env.update(
        DATABASE_URL=database_url(),
        SECRET_KEY="test-secret",
        DEBUG="false",
        EMAIL_URL="dummymail://",
        DJANGO_SETTINGS_MODULE="helpdesk.settings",
        PYTHONPATH=str(ROOT),
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def spawn(args, **extra_env):
    """Start a Python process on the test database; its output goes to `process.log_path`.

    A file, not a pipe: a chatty child must never block on a pipe nobody reads."""
    with tempfile.NamedTemporaryFile(
        "w+", prefix="tierdesk-child-", suffix=".log", delete=False
    ) as log:
        process = subprocess.Popen(
            [sys.executable, *args],
            cwd=ROOT,
            env=child_env(**extra_env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    process.log_path = log.name
    return process


def output(process):
    return Path(process.log_path).read_text(errors="replace")[-5000:]


def kill_group(process, sig):
    """Signal a process and every process it started (a qcluster's pusher and workers)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)


def wait_until(condition, timeout, every=0.2):
    """Poll for what a real process should bring about (never a deadline in a unit test)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(every)
    return condition()
