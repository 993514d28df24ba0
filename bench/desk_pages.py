"""How long do the agent's lists and desk pages take with a big ticket table?

Loads N tickets with `manage.py seed_bench N` (into a database of its own, kept between runs
with --reuse), then times each page in-process with Django's test client as agent `dana`
(Service Desk, ~1/6 of the tickets visible): warm-up requests first, then `--runs` timed
`Client.get` calls; the server time is the call's wall time. The same is done for
django-helpdesk 2.6.1 (bench/peer/peer_bench.py, in its own virtualenv) with as many tickets.
Figures are printed and saved under bench/results/desk_pages-<stamp>.json/.md. Usage:
    python bench/desk_pages.py [--tickets 100000] [--runs 30] [--reuse] [--no-peer]
        [--database-url postgres://postgres@127.0.0.1:5432/tierdesk_bench_pages]
"""

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PEER = ROOT / "bench" / "peer" / "peer_bench.py"
AGENT = "dana"
SUPERVISOR = "sam"
# operation, user, url ({ticket} = an open ticket of the agent's team), peer operation
PAGES = [
    ("API list, page 1", AGENT, "/api/tickets/", "API list, page 1"),
    ("API list ?status=open", AGENT, "/api/tickets/?status=open", "API list ?status=Open"),
    ("API list ?breached=true", AGENT, "/api/tickets/?breached=true", None),
    ("API list ?unassigned=true", AGENT, "/api/tickets/?unassigned=true", None),
    ("API list, supervisor (all tickets)", SUPERVISOR, "/api/tickets/", None),
    ("Desk: all open", AGENT, "/desk/", "Staff ticket list (page + its data)"),
    ("Desk: team queue", AGENT, "/desk/?view=team:service-desk", "Staff list, one queue"),
    ("Desk: At risk", AGENT, "/desk/?view=at_risk", None),
    ("Desk: Breached", AGENT, "/desk/?view=breached", None),
    ("Desk: Unassigned", AGENT, "/desk/?view=unassigned", "Staff list, unassigned"),
    ("Desk: search q=printer", AGENT, "/desk/?q=printer", "Staff list, search"),
    ("Desk: ticket workspace", AGENT, "/desk/tickets/{ticket}/", "Staff ticket view"),
]


def timed(client, url, runs, warmup):
    """Milliseconds of `runs` GETs of url after `warmup` untimed ones; fails on a non-200."""
    for _ in range(warmup):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code}")
    spent = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        spent.append((time.perf_counter() - started) * 1000)
    return spent


class QueryCounter(list):
    """A database execute wrapper that keeps the SQL of every query run through it."""

    def __call__(self, execute, sql, params, many, context):
        self.append(sql)
        return execute(sql, params, many, context)


def child(runs, warmup):
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from bench.stats import percentiles
    from incidents.models import Ticket

    users = {
        u.username: u for u in get_user_model().objects.filter(username__in=[AGENT, SUPERVISOR])
    }
    ticket = (
        Ticket.objects.filter(team__slug="service-desk", status="open", replies__isnull=False)
        .order_by("-pk")
        .first()
    )
    results = []
    for operation, username, url, _peer in PAGES:
        client = Client(HTTP_HOST="localhost")
        client.force_login(users[username])
        url = url.format(ticket=ticket.pk)
        queries = QueryCounter()
        with connection.execute_wrapper(queries):
            client.get(url)
        spent = timed(client, url, runs, warmup)
        results.append(
            {"operation": operation, "url": url, "queries": len(queries), **percentiles(spent)}
        )
        print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    print("RESULT " + json.dumps({"tickets": Ticket.objects.count(), "pages": results}))


def run(cmd, env, timeout=3600, cwd=ROOT):
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    if proc.returncode:
        raise SystemExit(f"{cmd} failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    return proc.stdout


def prepare(url, tickets, reuse, env):
    """Migrate and seed; with --reuse an existing database with enough tickets is kept."""
    manage = [sys.executable, "manage.py"]
    if reuse and seeded(url, tickets):
        return {"seeded": "reused"}
    fresh_database(url)
    run([*manage, "migrate", "--noinput", "-v0"], env)
    started = time.perf_counter()
    out = run([*manage, "seed_bench", str(tickets)], env)
    return {"seeded": out.strip(), "seed_seconds": round(time.perf_counter() - started, 1)}


def seeded(url, tickets=1):
    """Does the database already hold at least `tickets` tickets? (--reuse keeps it.)"""
    if url.startswith("sqlite:"):
        import sqlite3

        path = Path(url.removeprefix("sqlite:///"))
        if not path.exists():
            return False
        with sqlite3.connect(path) as conn:
            try:
                found = conn.execute("SELECT count(*) FROM incidents_ticket").fetchone()[0]
            except sqlite3.Error:
                return False
            return found >= tickets
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            return conn.execute("SELECT count(*) FROM incidents_ticket").fetchone()[0] >= tickets
    except psycopg.Error:
        return False


def fresh_database(url):
    if url.startswith("sqlite:"):
        for suffix in ("", "-wal", "-shm"):
            Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
        return
    import psycopg

    base, name = url.rsplit("/", 1)
    assert name.startswith("tierdesk_bench_") or name.endswith("_bench"), "only bench databases"
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def report(ours, peer, meta):
    from bench.tables import markdown

    by_peer = {p["operation"]: p for p in (peer or {}).get("pages", [])}
    title = (
        f"Tierdesk {ours['tickets']:,} tickets ({meta['database']}); "
        f"django-helpdesk 2.6.1 {peer['tickets']:,} tickets (SQLite)"
        if peer
        else f"Tierdesk {ours['tickets']:,} tickets ({meta['database']}); no peer run"
    )
    header = ["operation", "Tierdesk p50 ms", "p95 ms", "queries", "django-helpdesk page"]
    header += ["p50 ms", "p95 ms", "ratio p95 (peer / Tierdesk)"]
    rows = []
    for (operation, _user, _url, peer_op), r in zip(PAGES, ours["pages"], strict=True):
        p = by_peer.get(peer_op)
        few = f" (n={p['n']})" if p and p["n"] < r["n"] else ""
        them = (
            [f"{p['p50']:.1f}", f"{p['p95']:.1f}{few}", f"{p['p95'] / r['p95']:.1f}×"]
            if p
            else ["—", "—", "—"]
        )
        rows.append([operation, f"{r['p50']:.1f}", f"{r['p95']:.1f}", r["queries"], peer_op or "—"])
        rows[-1] += them
    return markdown(title, header, rows)


def main():
    from bench.tables import child_env, save

    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--database-url")
    parser.add_argument("--reuse", action="store_true", help="keep a database that has tickets")
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        return child(args.runs, args.warmup)
    url = args.database_url or f"sqlite:////tmp/tierdesk_bench_pages_{args.tickets}.sqlite3"
    env = child_env(os.environ, url)
    meta = {"database": url.split(":", 1)[0], "started": datetime.now(UTC).isoformat()}
    meta.update(prepare(url, args.tickets, args.reuse, env))
    print(json.dumps(meta), flush=True)
    child_cmd = [sys.executable, __file__, "--child", "--runs", str(args.runs)]
    ours = run([*child_cmd, "--warmup", str(args.warmup)], env)
    peer = None
    if not args.no_peer:
        peer_cmd = [sys.executable, str(PEER), "--tickets", str(args.tickets)]
        peer = run([*peer_cmd, "--runs", str(args.runs), "--warmup", str(args.warmup)], env=None)
    table = report(ours, peer, meta)
    print(table)
    save("desk_pages", {"meta": meta, "tierdesk": ours, "django_helpdesk": peer}, table)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
