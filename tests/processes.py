"""Helpers for tests that run real processes (qcluster, gunicorn, redis-server) against the test
database: spawned in a session of their own, output to a file, killed as a group."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = str(Path(sys.executable).parent / "gunicorn")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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


def answers(base):
    """Whether a web server at `base` serves (its /healthz answers, healthy or not)."""
    try:
        return requests.get(f"{base}/healthz", timeout=10).status_code in (200, 503)
    except requests.RequestException:  # not listening yet, or a worker still booting
        return False


class RedisServer:
    """A redis-server of the test's own on a free port, without persistence: a restart loses
    every queued task, as a crash of an unpersisted Redis does. Never the shared server."""

    def __init__(self):
        self.port, self.process = free_port(), None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        import redis

        client = redis.Redis.from_url(self.url)
        assert wait_until(lambda: _pings(client), timeout=10), "redis-server did not start"
        return self

    def stop(self, sig=signal.SIGKILL):
        if self.process is not None:
            kill_group(self.process, sig)
            self.process.wait(timeout=10)
            self.process = None


def _pings(client):
    import redis

    try:
        return client.ping()
    except redis.RedisError:
        return False


def group_members(process):
    """The pids of every live process in `process`'s group (spawn starts each in a session of its
    own: a qcluster's sentinel, pusher, monitor and workers)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # gone meanwhile
        fields = stat.rpartition(")")[2].split()
        if int(fields[2]) == process.pid and fields[0] != "Z":  # pgrp; not a zombie
            members.append(int(entry.name))
    return members
