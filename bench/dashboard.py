"""How long do the dashboard and the reports take over a quarter, with a big ticket table?

Loads N tickets with `manage.py seed_bench N` (a year of history, into a database of its
own: SQLite var/bench-dashboard-<N>.sqlite3, or the PostgreSQL database given; --reuse keeps one
holding N tickets, and migrates it), then, in a child process, times `/desk/dashboard/` and
each `/api/reports/…` for the last 91 days as supervisor `sam` (every team), with Django's
test client in-process: warm-up requests, then `--rounds` rounds of `--runs` timed GETs each.
Reported per page: the median over rounds of each round's p50 and p95, with the spread (lowest
and highest round p95), and the queries of one request. Goals (issue 26): dashboard p95
≤ 300 ms, each report p95 ≤ 200 ms. Figures are printed and saved under
bench/results/dashboard-<stamp>.json/.md. `--code DIR` measures the code of another checkout
(e.g. `git archive main | tar -x -C DIR`) on the same database,
for a before/after in one sitting. Usage:
    python bench/dashboard.py [--tickets 100000] [--rounds 3] [--runs 20] [--reuse]
        [--database-url postgres://postgres@127.0.0.1:5432/tierdesk_reports_bench] [--code DIR]
"""

import argparse
import json
import os
import statistics
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUPERVISOR = "sam"
PAGES = [
    ("Dashboard, a quarter", "/desk/dashboard/?{period}", 300),
    ("Dashboard, a quarter, one team", "/desk/dashboard/?{period}&team={team}", 300),
    ("SLA report", "/api/reports/sla/?{period}", 200),
    ("SLA report as CSV", "/api/reports/sla/?{period}&format=csv", 200),
    ("Escalations report", "/api/reports/escalations/?{period}", 200),
    ("Backlog report", "/api/reports/backlog/?{period}", 200),
    ("Agents report", "/api/reports/agents/?{period}", 200),
]


def child(rounds, runs, warmup):
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from bench.desk_pages import QueryCounter, timed
    from bench.stats import percentiles
    from incidents.models import Team, Ticket

    sam = get_user_model().objects.get(username=SUPERVISOR)
    team = Team.objects.get(slug="service-desk")
    today = timezone.localdate()
    period = f"from={today - timedelta(days=90)}&to={today}"
    results = []
    for operation, url, goal in PAGES:
        client = Client(HTTP_HOST="localhost")
        client.force_login(sam)
        url = url.format(period=period, team=team.pk)
        queries = QueryCounter()
        with connection.execute_wrapper(queries):
            status = client.get(url).status_code
        if status != 200:
            raise SystemExit(f"{url}: {status}")
        each = [
            percentiles(timed(client, url, runs, warmup if not n else 0)) for n in range(rounds)
        ]
        p95s = [r["p95"] for r in each]
        results.append(
            {
                "operation": operation,
                "url": url,
                "queries": len(queries),
                "goal_ms": goal,
                "p50": statistics.median(r["p50"] for r in each),
                "p95": statistics.median(p95s),
                "p95_low": min(p95s),
                "p95_high": max(p95s),
                "rounds": each,
            }
        )
        print(json.dumps({k: v for k, v in results[-1].items() if k != "rounds"}), file=sys.stderr)
    load = [round(x, 2) for x in os.getloadavg()]
    print(
        "RESULT " + json.dumps({"tickets": Ticket.objects.count(), "load": load, "pages": results})
    )


def report(ours, meta):
    from bench.tables import markdown

    title = (
        f"Tierdesk {ours['tickets']:,} tickets ({meta['database']}, {meta['code']}), the last "
        f"91 days, as the supervisor; median of {meta['rounds']} rounds of {meta['runs']} "
        f"requests (spread of the round p95s); load average {ours.get('load')} on "
        f"{os.cpu_count()} CPUs, shared with other sessions"
    )
    header = ["operation", "p50 ms", "p95 ms", "p95 spread", "queries", "goal p95"]
    rows = [
        [
            r["operation"],
            f"{r['p50']:.0f}",
            f"{r['p95']:.0f}",
            f"{r['p95_low']:.0f}–{r['p95_high']:.0f}",
            r["queries"],
            f"≤ {r['goal_ms']} ms: {'met' if r['p95'] <= r['goal_ms'] else 'missed'}",
        ]
        for r in ours["pages"]
    ]
    return markdown(title, header, rows)


def main():
    from bench.desk_pages import prepare, run
    from bench.tables import child_env, save

    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--database-url")
    parser.add_argument("--reuse", action="store_true", help="keep a database with N tickets")
    parser.add_argument("--code", help="measure the code of this checkout instead")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        return child(args.rounds, args.runs, args.warmup)
    default = ROOT / "var" / f"bench-dashboard-{args.tickets}.sqlite3"
    url = args.database_url or f"sqlite:///{default}"
    code = Path(args.code).resolve() if args.code else ROOT
    env = child_env(os.environ, url, code)
    meta = {"database": url.split(":", 1)[0], "started": datetime.now(UTC).isoformat()}
    meta.update(code="this checkout" if code == ROOT else str(code), rounds=args.rounds)
    meta.update(runs=args.runs)
    default.parent.mkdir(exist_ok=True)
    meta.update(prepare(url, args.tickets, args.reuse, child_env(os.environ, url)))
    if meta["seeded"] == "reused" and code == ROOT:
        run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env)
    print(json.dumps(meta), flush=True)
    cmd = [sys.executable, str(code / "bench" / "dashboard.py"), "--child"]
    cmd += ["--rounds", str(args.rounds), "--runs", str(args.runs), "--warmup", str(args.warmup)]
    ours = run(cmd, env, cwd=code)
    table = report(ours, meta)
    print(table)
    save("dashboard", {"meta": meta, **ours}, table)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
