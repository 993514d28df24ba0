"""How late do escalation levels fire, and how fast does a burst drain?

For each setup — the embedded default (SQLite + database broker, one qcluster) and the
scale-out (PostgreSQL + Redis, two qclusters) — this script:
  1. plans >= 300 levels due at spread-out instants over the next minute, and, as the baseline
     in the same run, as many plain django-q2 ONCE schedules due at the same instants;
  2. measures lateness (fired_at - due_at) of both: p50/p95/p99/max;
  3. plans a burst of 10,000 levels due in the same second and measures the drain time (due
     second -> last firing) and duplicates (effects per firing beyond one);
  4. plans a burst of 1,000 levels due in the same second that each reassign their ticket to
     tier 2 (which runs on seed_demo's business calendar) and raise it to P1: drain time.
Figures are printed and saved under bench/results/. Usage:
    python bench/escalation_latency.py [--levels 300] [--burst 10000] [--moving 1000]
        [--only sqlite|scaleout]
"""

import argparse
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PG_URL = "postgres://postgres@127.0.0.1:5432/tierdesk_bench"
REDIS_URL = "redis://127.0.0.1:6379/15"
SETUPS = {
    "sqlite": {"DATABASE_URL": "sqlite:////tmp/tierdesk-bench.sqlite3", "clusters": 1},
    "scaleout": {"DATABASE_URL": PG_URL, "REDIS_URL": REDIS_URL, "clusters": 2},
}


def child(setup, levels, burst, moving):
    import django

    django.setup()
    from bench import scenario

    scenario.reset_database()
    clusters = [scenario.start_cluster() for _ in range(SETUPS[setup]["clusters"])]
    try:
        spread = scenario.spread_run(levels)
        drain = scenario.burst_run(burst) if burst else {}
        if moving:
            drain["moving"] = scenario.burst_run(moving, moving=True)
    finally:
        for cluster in clusters:
            scenario.stop_cluster(cluster)
    print("RESULT " + json.dumps({"setup": setup, **spread, **drain}))


def fresh_database(url):
    """Start each run on an empty database: SQLite file removed, PostgreSQL database recreated."""
    if url.startswith("sqlite:"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def run_setup(setup, args):
    fresh_database(SETUPS[setup]["DATABASE_URL"])
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update({k: str(v) for k, v in SETUPS[setup].items() if k != "clusters"})
    env.update(
        SECRET_KEY="bench",
        DEBUG="false",
        DJANGO_SETTINGS_MODULE="helpdesk.settings",
        EMAIL_URL="dummymail://",
        PYTHONPATH=str(ROOT),
        Q_WORKERS=str(args.workers),
        LOG_LEVEL="WARNING",
        Q_SAVE_LIMIT="0",
    )
    cmd = [
        sys.executable,
        __file__,
        "--child",
        setup,
        "--levels",
        str(args.levels),
        "--burst",
        str(args.burst),
        "--moving",
        str(args.moving),
    ]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise SystemExit(f"{setup} failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")


def report(results):
    lines = [
        "| setup | what | n | p50 s | p95 s | p99 s | max s |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        for label, key in (("Tierdesk levels", "levels"), ("django-q2 ONCE schedules", "baseline")):
            p = r.get(key) or {}
            if p:
                lines.append(
                    f"| {r['setup']} | {label} | {p['n']} | {p['p50']:.3f} | "
                    f"{p['p95']:.3f} | {p['p99']:.3f} | {p['max']:.3f} |"
                )
    lines.append("")
    lines.append("| setup | burst | drained in s | fired | outbox rows | duplicates | missed |")
    lines.append("|---|---|---|---|---|---|---|")
    for r in results:
        for label, burst in (("notify", r), ("reassign + P1", r.get("moving") or {})):
            if burst.get("burst"):
                lines.append(
                    f"| {r['setup']} | {burst['burst']} {label} | {burst['drain_seconds']:.2f} | "
                    f"{burst['burst_fired']} | {burst.get('outbox_rows', '')} | "
                    f"{burst['duplicates']} | {burst['missed']} |"
                )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--levels", type=int, default=300)
    parser.add_argument("--burst", type=int, default=10000)
    parser.add_argument("--moving", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--only", choices=sorted(SETUPS))
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.levels, args.burst, args.moving)
    results = []
    for setup in SETUPS:
        if not args.only or setup == args.only:
            results.append(run_setup(setup, args))
            print(json.dumps(results[-1]), flush=True)
    table = report(results)
    print(table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"escalation_latency-{stamp}.json").write_text(json.dumps(results, indent=2))
    (RESULTS / f"escalation_latency-{stamp}.md").write_text(table + "\n")


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
