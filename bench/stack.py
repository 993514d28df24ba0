"""The scaled stack's processes for the load benchmarks (bench/flood.py, bench/request_cpu.py):
PostgreSQL databases and Redis dbs made fresh, gunicorn and qclusters started in a process group
of their own and stopped with it, and the CPU time each of them spends."""

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


TICKS = os.sysconf("SC_CLK_TCK")


def proc_stat(pid):
    """(command name, the fields after it) of /proc/<pid>/stat, or None once it has ended;
    fields[11:15] are utime, stime, cutime and cstime in TICKS."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            stat = f.read()
    except OSError:
        return None
    name_ends = stat.rindex(")")
    return stat[stat.index("(") + 1 : name_ends], stat[name_ends + 2 :].split()


def _cpu_of(match):
    """CPU seconds of every process `match(comm, pgrp)` accepts: its own and its reaped
    children's (a qcluster's recycled workers, PostgreSQL's ended backends)."""
    total = 0
    for entry in os.scandir("/proc"):
        read = proc_stat(entry.name) if entry.name.isdigit() else None
        if read and match(read[0], int(read[1][2])):
            total += sum(int(t) for t in read[1][11:15])
    return total / TICKS


def group_cpu_seconds(groups):
    """{name: CPU seconds so far} of each named process group (`start` gives every process a
    group of its own: gunicorn's master and workers, a qcluster's processes), and of every
    PostgreSQL process on the machine (the benchmark's server is the only one busy)."""
    seconds = {
        name: _cpu_of(lambda comm, pgrp, pids=pids: pgrp in pids) for name, pids in groups.items()
    }
    seconds["postgresql"] = _cpu_of(lambda comm, pgrp: comm.startswith("postgres"))
    return seconds


def cores(before, after, seconds):
    """CPU cores each name kept busy between two `group_cpu_seconds` readings `seconds` apart."""
    return {name: round((after[name] - before[name]) / seconds, 3) for name in after}
