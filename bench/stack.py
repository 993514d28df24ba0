"""The scaled stack's processes for the load benchmarks (bench/flood.py, bench/request_cpu.py):
PostgreSQL databases and Redis dbs made fresh, gunicorn and qclusters started in a process group
of their own and stopped with it."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG = "postgres://postgres@127.0.0.1:5432"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg_exec(*statements):
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


def fresh_copy(template, database):
    pg_exec(
        f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)',
        f'CREATE DATABASE "{database}" TEMPLATE "{template}"',
    )


def flush_redis(redis_db):
    import redis

    redis.Redis.from_url(f"redis://127.0.0.1:6379/{redis_db}").flushdb()


def start(cmd, env):
    return subprocess.Popen(
        cmd,
        cwd=ROOT,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop(process):
    """SIGTERM to the process group (gunicorn's master and workers, a cluster's processes)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def gunicorn(env, port, workers):
    # gunicorn reads ./gunicorn.conf.py from the working directory, as in production.
    binary = str(Path(sys.executable).parent / "gunicorn")
    cmd = [binary, "helpdesk.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{port}"]
    return start([*cmd, "--log-level", "warning"], env)
