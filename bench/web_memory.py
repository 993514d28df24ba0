"""How much memory does each gunicorn web worker take while it serves creates and lists?

The web counterpart of bench/qcluster_memory.py. Migrates a fresh temporary SQLite database
and loads the demo (bench/create_load.py's setup: customer `alice` with an API token), starts
`gunicorn helpdesk.wsgi -w 2` as `make run-scaled` does (`--preload` to compare), then for
`--seconds` has `--clients` threads each POST a ticket to /api/tickets/ and GET the first page of
/api/tickets/ in turn, while the RSS and PSS of every gunicorn process
(/proc/<pid>/status, /proc/<pid>/smaps_rollup) are sampled every 0.5 s. Reports each worker's
peak RSS, the master's, and the peak PSS of them all together. `--reports`: each client also
reads the SLA report as the demo's supervisor `sam` every round, so each worker has loaded
numpy (escalation/reports/ranks.py imports it when a report is served), the worst case of a
worker that serves the desk too; numpy ranks the percentiles on PostgreSQL only, so with
`--postgres` (a fresh database on 127.0.0.1:5432, Redis db 14 for the cache and the broker, as
the scaled stack has them). Linux only. Usage:
    python bench/web_memory.py [--seconds 30] [--clients 4] [--workers 2] [--preload]
        [--reports] [--postgres]
"""

import argparse
import json
import signal
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.create_load import our_env, our_setup  # noqa: E402
from bench.qcluster_memory import pss_kib, tree  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PORT = 8781
POSTGRES, DATABASE, REDIS = (
    "postgres://postgres@127.0.0.1:5432",
    "tierdesk_web_memory",
    "redis://127.0.0.1:6379/14",
)


def rss_kib(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def load(base, token, stop, counts, supervisor=None):
    """One client: create, list (and read the SLA report as `supervisor`), again, until `stop`."""
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token}"
    n = 0
    while not stop.is_set():
        n += 1
        body = {"subject": f"Memory under load {n}", "description": "Printer on fire."}
        answers = [
            session.post(f"{base}/api/tickets/", json=body, timeout=30),
            session.get(f"{base}/api/tickets/", timeout=30),
        ]
        if supervisor:
            report = f"{base}/api/reports/sla/?format=json"
            answers.append(session.get(report, headers={"Authorization": supervisor}, timeout=30))
        for answer in answers:
            counts[answer.status_code] = counts.get(answer.status_code, 0) + 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--preload", action="store_true")
    parser.add_argument("--reports", action="store_true", help="also read the SLA report")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL + Redis, not SQLite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        env = our_env(Path(tmp) / "web.sqlite3", None)
        if args.postgres:
            env.update(DATABASE_URL=f"{POSTGRES}/{DATABASE}", REDIS_URL=REDIS)
            postgres(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
            postgres(f'CREATE DATABASE "{DATABASE}"')
        token = our_setup(env)["token"]
        args.supervisor = supervisor_token(env) if args.reports else None
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        command = [gunicorn, "helpdesk.wsgi", "-w", str(args.workers), "-b", f"127.0.0.1:{PORT}"]
        command += ["--no-control-socket", *(["--preload"] if args.preload else [])]
        server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
        base = f"http://127.0.0.1:{PORT}"
        try:
            figures = measure(server, base, token, args)
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
            if args.postgres:
                postgres(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    report(figures, args)


def postgres(statement):
    subprocess.run(["psql", f"{POSTGRES}/postgres", "-q", "-c", statement], check=True)


def supervisor_token(env):
    """The demo supervisor's API token, by DRF's own command."""
    made = subprocess.run(
        [sys.executable, "manage.py", "drf_create_token", "sam"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return f"Token {made.stdout.split()[2]}"


def measure(server, base, token, args):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/healthz", timeout=5).ok:
                break
        except requests.RequestException:
            time.sleep(0.5)
    stop, counts = threading.Event(), {}
    clients = [
        threading.Thread(target=load, args=(base, token, stop, counts, args.supervisor))
        for _ in range(args.clients)
    ]
    for client in clients:
        client.start()
    peak_rss, peak_pss = {}, 0
    end = time.monotonic() + args.seconds
    while time.monotonic() < end:
        pids = tree(server.pid)
        for pid in pids:
            peak_rss[pid] = max(peak_rss.get(pid, 0), rss_kib(pid))
        peak_pss = max(peak_pss, sum(pss_kib(pid) for pid in pids))
        time.sleep(0.5)
    stop.set()
    for client in clients:
        client.join()
    numpy_in = [pid for pid in tree(server.pid) if pid != server.pid and maps_numpy(pid)]
    master = peak_rss.pop(server.pid)
    return {
        "master": master,
        "workers": peak_rss,
        "pss": peak_pss,
        "answers": counts,
        "numpy_loaded_in": len(numpy_in),
    }


def maps_numpy(pid):
    """Whether the process has numpy's compiled core mapped (it served a report)."""
    try:
        return "_multiarray_umath" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


def mib(kib):
    return round(kib / 1024, 1)


def report(figures, args):
    workers = [mib(kib) for kib in figures["workers"].values()]
    answered = sum(figures["answers"].values())
    print(
        f"gunicorn -w {args.workers}{' --preload' if args.preload else ''}"
        f"{', SLA reports too' if args.reports else ''}"
        f"{', PostgreSQL + Redis' if args.postgres else ', SQLite'}, {args.clients} "
        f"clients, {args.seconds:.0f} s, {answered} answers {figures['answers']}:"
    )
    print(f"  peak RSS per worker: {', '.join(f'{w} MiB' for w in workers)}")
    print(f"  workers with numpy loaded: {figures['numpy_loaded_in']} of {len(workers)}")
    print(
        f"  master RSS: {mib(figures['master'])} MiB; all together, peak PSS: "
        f"{mib(figures['pss'])} MiB"
    )
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"web_memory-{stamp}.json"
    payload = {
        "at": stamp,
        "workers": args.workers,
        "preload": args.preload,
        "reports": args.reports,
        "database": "postgresql" if args.postgres else "sqlite",
        "numpy_loaded_in": figures["numpy_loaded_in"],
        "clients": args.clients,
        "seconds": args.seconds,
        "answers": figures["answers"],
        "worker_peak_rss_mib": workers,
        "master_peak_rss_mib": mib(figures["master"]),
        "peak_pss_mib": mib(figures["pss"]),
    }
    out.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"saved {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
