"""How much memory does one idle `manage.py qcluster` take with the default settings?

Migrates a fresh temporary SQLite database, starts the cluster on it (database broker, default
Q_WORKERS = number of CPUs), waits until its process tree is complete and idle, then sums the
proportional set size (PSS, from /proc/<pid>/smaps_rollup: shared pages split between the
processes sharing them) over the tree: manage.py, the sentinel, the workers, the monitor and
the pusher. `--redis-url` uses the Redis broker instead, as `make run-scaled` does. Linux only.
Usage:
    python bench/qcluster_memory.py [--settle 5] [--timeout 60] [--redis-url redis://…/9]
"""

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script
from bench.stack import proc_stat  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def children(pid):
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):  # the thread ended meanwhile
            found += [int(c) for c in (task / "children").read_text().split()]
    return found


def tree(pid):
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        todo += children(current)
    return pids


def pss_kib(pid):
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_ticks(pids):
    total = 0
    for pid in pids:
        read = proc_stat(pid)
        if read:
            total += int(read[1][11]) + int(read[1][12])  # utime + stime
    return total


def wait_idle(pid, expected, settle, timeout):
    """Until the tree has `expected` processes and used no CPU for `settle` seconds."""
    deadline, quiet_since, last = time.monotonic() + timeout, None, None
    while time.monotonic() < deadline:
        pids = tree(pid)
        ticks = cpu_ticks(pids)
        # The pusher polls the broker every 0.1 s: "idle" allows it a few ticks a second.
        calm = last is not None and ticks - last <= 5 and len(pids) >= expected
        quiet_since = (quiet_since or time.monotonic()) if calm else None
        if quiet_since and time.monotonic() - quiet_since >= settle:
            return pids
        last = ticks
        time.sleep(1)
    raise SystemExit(f"the cluster did not settle within {timeout} s ({len(tree(pid))} processes)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settle", type=float, default=5)
    parser.add_argument("--timeout", type=float, default=90)
    parser.add_argument("--redis-url", default="", help="the Redis broker (its db is flushed)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "Q_WORKERS")}
        env.update(DATABASE_URL=f"sqlite:///{tmp}/qcluster.sqlite3", DEBUG="false")
        env.setdefault("SECRET_KEY", "bench")
        if args.redis_url:
            import redis

            redis.Redis.from_url(args.redis_url).flushdb()
            env["REDIS_URL"] = args.redis_url
        manage = [sys.executable, "manage.py"]
        subprocess.run([*manage, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        cluster = subprocess.Popen(
            [*manage, "qcluster"],
            cwd=ROOT,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            workers = os.cpu_count() or 1
            # manage.py, the sentinel, its workers, the monitor and the pusher.
            pids = wait_idle(cluster.pid, workers + 3, args.settle, args.timeout)
            per_process = {pid: pss_kib(pid) for pid in pids}
        finally:
            os.killpg(cluster.pid, signal.SIGTERM)
            try:
                cluster.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(cluster.pid, signal.SIGKILL)
    total_mib = sum(per_process.values()) / 1024
    broker = "redis" if args.redis_url else "database"
    print(
        f"qcluster ({broker} broker), {workers} workers, {len(per_process)} processes: "
        f"{total_mib:.1f} MiB PSS"
    )
    for pid, kib in per_process.items():
        print(f"  pid {pid}: {kib / 1024:.1f} MiB")
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"qcluster_memory-{stamp}.json"
    payload = {"at": stamp, "broker": broker, "workers": workers, "processes": len(per_process)}
    out.write_text(json.dumps({**payload, "pss_mib": round(total_mib, 1)}, indent=2) + "\n")
    print(f"saved {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
