"""Levels on time while tickets flood in: open-loop load on the scaled stack (issue 29).

The stack, started and stopped by this script for every step: PostgreSQL (a fresh database
`tierdesk_flood`, copied from a migrated template) and Redis (db 11 by default), 2 gunicorn
workers on the project's gunicorn.conf.py and 2 `manage.py qcluster` processes.

Each step offers, for `--seconds`, open-loop load at a rate R:
  * new tickets: POST /api/tickets/ as a customer (token), Poisson arrivals at R per second;
  * agent list reads: GET /api/tickets/ as an agent of the intake team and the bench team
    (token; the desk's queue reads the same tickets through the same visibility rules), Poisson
    arrivals at 2R per second;
  * while `--levels` escalation levels (1,000 by default) fall due spread over the step, planted
    as bench/escalation_latency.py plants them (bench/scenario.plant).
Requests are sent at their scheduled instants by one asyncio task each (a new connection per
request, as gunicorn's sync workers close them), so the client never waits for the server
before sending; every latency counts from the scheduled instant, and the report gives the
client's own send lag (actual minus scheduled send) to show it kept up.

Per step it reports creates/s achieved, create and list p50/p95 (ms), the levels' lateness
p50/p99/max (s, fired_at - due_at), duplicates (a planted level that escalated or notified
twice; a ticket created twice, by subject, or more tickets than 201 answers) and every status
seen (503s with and without Retry-After counted apart). Then the same create steps run against
django-helpdesk 2.6.1's `POST /api/tickets/` (bench/peer/peer_create.py, served by gunicorn with
2 workers on its SQLite file, as bench/create_load.py serves it; creates only, no lists).

A step "holds" when every request succeeds, create p95 <= 250 ms, list p95 <= 150 ms, lateness
p99 <= 1 s, no duplicate, no error and no shed request; it "degrades gracefully" when the
ladder still holds (lateness p99 <= 1 s, each level once, none missed) and every failed request
is a 503 with Retry-After. Results go to bench/results/flood-<stamp>.json/.md. Usage:
    python bench/flood.py [--rates 10,20,30,40,50,80] [--seconds 60] [--rounds 1]
        [--levels 1000] [--no-peer] [--redis-db 11] [--database tierdesk_flood]
"""

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script
from bench.create_load import exchange, wait_for  # noqa: E402
from bench.flood_report import conclude, pick, step_figures, verdict  # noqa: E402
from bench.stack import (  # noqa: E402
    PG,
    cores,
    flush_redis,
    free_port,
    fresh_copy,
    group_cpu_seconds,
    gunicorn,
    pg_exec,
    start,
    stop,
)

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PEER = ROOT / "bench" / "peer" / "peer_create.py"
LEAD_SECONDS = 60  # from planting the levels to the first one due and the load's start
REQUEST_TIMEOUT = 30  # s: a request unanswered by then counts as "timeout"


# --- inside the project's environment (children) -------------------------------------------


def child_setup():
    """Migrate the template database, the bench's fixtures, two tokens."""
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    from bench import scenario
    from incidents.models import Membership, Team

    scenario.reset_database()
    lister = User.objects.get(username="bench-lead")
    intake = Team.intake()
    if not Membership.objects.filter(user=lister, team=intake).exists():
        Membership.objects.create(user=lister, team=intake, role="agent")
    tokens = {
        "customer": Token.objects.get_or_create(user=scenario.CUSTOMER)[0].key,
        "agent": Token.objects.get_or_create(user=lister)[0].key,
    }
    print("SETUP " + json.dumps(tokens), flush=True)


def _scenario():
    from django.contrib.auth.models import User

    from bench import scenario
    from incidents.models import Team

    scenario.TEAM = Team.objects.get(slug="bench")
    scenario.TIER2 = Team.objects.get(slug="bench-2")
    scenario.CUSTOMER = User.objects.get(username="bench-customer")
    return scenario


def child_plant(count, seconds):
    """`count` levels due at evenly spread instants over the `seconds` from LEAD_SECONDS on."""
    scenario = _scenario()
    begin = datetime.now(UTC) + timedelta(seconds=LEAD_SECONDS)
    scenario.plant("flood", count, lambda n: begin + timedelta(seconds=seconds * n / count))
    from django.db import connection

    with connection.cursor() as cursor:  # a copied database has no statistics yet; a live one has
        cursor.execute("ANALYZE")
    print("PLANTED " + json.dumps({"begin": begin.isoformat()}), flush=True)


def child_ready(timeout):
    """Wait until the clusters fire: two levels due now, fired."""
    scenario = _scenario()
    scenario.plant("ready", 2, lambda n: datetime.now(UTC))
    if not scenario.wait_fired("ready", 2, timeout):
        raise SystemExit("the clusters fired nothing")
    print("READY {}", flush=True)


def child_collect(count, timeout, prefix):
    """Wait for the planted levels, then lateness, duplicates and what the creates left."""
    from django.db.models import Count

    from bench.stats import percentiles
    from escalation.models import Firing
    from incidents.models import Ticket, TicketEvent
    from notifications.models import Notification

    scenario = _scenario()
    scenario.wait_fired("flood", count, timeout)
    planted = scenario.tagged("flood")
    fired = list(planted.filter(state="fired").values_list("fired_at", "due_at"))
    late = [(f - d).total_seconds() for f, d in fired]
    tickets = Ticket.objects.filter(subject__startswith="flood ")
    escalated = (
        TicketEvent.objects.filter(ticket__in=tickets, kind="escalated")
        .values("ticket")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    notified = (
        Notification.objects.filter(ticket__in=tickets)
        .values("ticket", "recipient")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    created = Ticket.objects.filter(subject__startswith=prefix)
    twice = created.values("subject").annotate(n=Count("id")).filter(n__gt=1).count()
    # The new tickets' own levels (due as they are created): fired ones and their lateness.
    new_levels = Firing.objects.filter(kind="level", ticket__in=created, state="fired")
    new_late = [(f - d).total_seconds() for f, d in new_levels.values_list("fired_at", "due_at")]
    result = {
        "lateness": percentiles(late),
        "levels_fired": len(fired),
        "levels_missed": count - len(fired),
        "levels_escalated_twice": escalated.count(),
        "levels_notified_twice": notified.count(),
        "tickets_created": created.count(),
        "tickets_created_twice": twice,
        "new_ticket_levels_lateness": percentiles(new_late),
        "level_mail": level_mail(planted, timeout=30),
    }
    print("COLLECT " + json.dumps(result), flush=True)


def level_mail(planted, timeout):
    """The planted levels' mails (to the team's leads): how many were written and sent, and how
    long after its level's due time each was sent, waiting up to `timeout` s for the last."""
    from bench.stats import percentiles
    from notifications.models import Notification

    due = {f"firing:{pk}": at for pk, at in planted.values_list("pk", "due_at")}
    rows = Notification.objects.filter(cause__in=list(due))
    end = time.monotonic() + timeout
    while rows.filter(sent_at=None).exists() and time.monotonic() < end:
        time.sleep(0.25)
    sent = list(rows.exclude(sent_at=None).values_list("cause", "sent_at"))
    after = [(at - due[cause]).total_seconds() for cause, at in sent]
    return {"rows": rows.count(), "sent": len(sent), "after_due": percentiles(after)}


# --- processes ------------------------------------------------------------------------------


def run_child(env, *argv, prefix):
    cmd = [sys.executable, __file__, "--child", *argv]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    for line in proc.stdout.splitlines():
        if line.startswith(prefix + " "):
            return json.loads(line[len(prefix) + 1 :])
    raise SystemExit(f"{argv} failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")


def our_env(database, redis_db):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        SECRET_KEY="bench",
        DEBUG="false",
        DATABASE_URL=f"{PG}/{database}",
        REDIS_URL=f"redis://127.0.0.1:6379/{redis_db}",
        DJANGO_SETTINGS_MODULE="helpdesk.settings",
        EMAIL_URL="dummymail://",
        PYTHONPATH=str(ROOT),
        LOG_LEVEL="WARNING",
        ALLOWED_HOSTS="localhost,127.0.0.1",
        Q_SAVE_LIMIT="0",
        API_THROTTLE_USER="100000000/min",  # one customer opens every ticket of the run
        TICKET_CREATE_RATE="100000000/min",
    )
    return env


# --- load ------------------------------------------------------------------------------------


def request_bytes(method, port, path, token, body=None):
    payload = json.dumps(body).encode() if body is not None else b""
    head = (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Token {token}\r\nAccept: application/json\r\n"
        "Connection: close\r\n"
    )
    if body is not None:
        head += f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n"
    return (head + "\r\n").encode() + payload


def poster(port, token, body_for):
    """request_for(n): the n-th ticket POSTed to /api/tickets/."""
    return lambda n: request_bytes("POST", port, "/api/tickets/", token, body_for(n))


def poisson(rate, seconds, rng):
    """Arrival offsets (s) of a Poisson process of `rate` per second over `seconds`."""
    at, offsets = 0.0, []
    if rate <= 0:
        return offsets
    while True:
        at += rng.expovariate(rate)
        if at >= seconds:
            return offsets
        offsets.append(at)


async def offer(port, streams, seconds, seed):
    """Open-loop load: `streams` maps a kind to (rate, request_for(n)); each request is sent at
    its scheduled instant by its own task. Returns per kind: latencies (ms, from the scheduled
    instant) of the answered requests by status, and the client's send lag."""
    rng = random.Random(seed)
    schedule = sorted(
        (offset, kind, n)
        for kind, (rate, _) in streams.items()
        for n, offset in enumerate(poisson(rate, seconds, rng))
    )
    loop = asyncio.get_running_loop()
    results = {kind: {"ms": [], "statuses": {}, "ok_ms": []} for kind in streams}
    lags = []

    async def send(at, kind, n):
        lags.append(loop.time() - at)
        try:
            status, retry_after = await asyncio.wait_for(
                exchange(port, streams[kind][1](n)), REQUEST_TIMEOUT
            )
            label = f"{status}" + ("+Retry-After" if status == 503 and retry_after else "")
        except TimeoutError:
            label = "timeout"
        except (OSError, asyncio.IncompleteReadError, ValueError):
            label = "connection error"
        ms = (loop.time() - at) * 1000
        found = results[kind]
        found["statuses"][label] = found["statuses"].get(label, 0) + 1
        found["ms"].append(ms)
        if label in ("200", "201"):
            found["ok_ms"].append(ms)

    tasks = []
    begin = loop.time()
    own_cpu = time.process_time()
    for offset, kind, n in schedule:
        at = begin + offset
        delay = at - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.ensure_future(send(at, kind, n)))
    await asyncio.gather(*tasks)
    elapsed = loop.time() - begin
    return results, {
        "send_lag_ms_p99": 1000 * pick(sorted(lags), 0.99) if lags else None,
        "send_lag_ms_max": 1000 * max(lags) if lags else None,
        "load_generator_cpu": round((time.process_time() - own_cpu) / elapsed, 2),
        "wall_seconds": round(elapsed, 2),
    }


# --- one step on each system ------------------------------------------------------------------


def our_step(args, env, template, tokens, rate, round_):
    fresh_copy(template, args.database)
    flush_redis(args.redis_db)
    # Planted before the stack starts (on a busy machine a child process and 1,000 rows take
    # seconds), due from LEAD_SECONDS on: by then the stack is up and warm.
    planted = run_child(
        env, "plant", "--levels", str(args.levels), "--seconds", str(args.seconds), prefix="PLANTED"
    )
    begin = datetime.fromisoformat(planted["begin"])
    port = free_port()
    web = gunicorn(env, port, args.workers)
    clusters = [start([sys.executable, "manage.py", "qcluster"], env) for _ in range(2)]
    try:
        wait_for(port)
        run_child(env, "ready", "--timeout", "120", prefix="READY")
        listing = request_bytes("GET", port, "/api/tickets/", tokens["agent"])
        warm = poster(port, tokens["customer"], lambda n: {"subject": "warm", "description": "-"})
        for n in range(10 * args.workers):  # every worker imported, connected, its caches full
            asyncio.run(exchange(port, listing))
            asyncio.run(exchange(port, warm(n)))
        prefix = f"flood-create {rate}/{round_} "
        streams = {
            "create": (
                rate,
                poster(
                    port,
                    tokens["customer"],
                    lambda n: {"subject": f"{prefix}{n}", "description": "The VPN drops."},
                ),
            ),
            "list": (
                2 * rate,
                lambda n: request_bytes("GET", port, "/api/tickets/", tokens["agent"]),
            ),
        }
        wait = (begin - datetime.now(UTC)).total_seconds()
        if wait < 0:
            raise RuntimeError(f"the stack was ready {-wait:.1f} s after the first level was due")
        time.sleep(wait)
        groups = {"web": {web.pid}, "qclusters": {c.pid for c in clusters}}
        before = group_cpu_seconds(groups)
        raw, client = asyncio.run(offer(port, streams, args.seconds, seed=rate * 1000 + round_))
        busy = cores(before, group_cpu_seconds(groups), client["wall_seconds"])
        collected = run_child(
            env,
            "collect",
            "--levels",
            str(args.levels),
            "--timeout",
            "90",
            "--prefix",
            prefix,
            prefix="COLLECT",
        )
    finally:
        stop(web)
        for cluster in clusters:
            stop(cluster)
    step = step_figures("tierdesk", rate, round_, args.seconds, raw, client)
    created_201 = step["create"]["statuses"].get("201", 0)
    return {
        **step,
        **collected,
        "tickets_beyond_201s": max(collected["tickets_created"] - created_201, 0),
        "cpu_cores": busy,
    }


def peer_step(args, rate, round_, tmp):
    db = f"{tmp}/peer-{rate}-{round_}.sqlite3"
    peer = run_peer(["setup", "--db", db], "SETUP")
    port = free_port()
    cmd = [sys.executable, str(PEER), "serve", "--db", db, "--workers", str(args.workers)]
    server = start([*cmd, "--bind", f"127.0.0.1:{port}"], None)
    sys.path.insert(0, str(PEER.parent))
    from peer_create import ticket_body

    try:
        wait_for(port)
        warm = poster(port, peer["token"], lambda n: ticket_body(f"warm {n}", peer["queue"]))
        for n in range(4 * args.workers):
            asyncio.run(exchange(port, warm(n)))
        streams = {
            "create": (
                rate,
                poster(
                    port,
                    peer["token"],
                    lambda n: ticket_body(f"{rate}/{round_}/{n}", peer["queue"]),
                ),
            )
        }
        raw, client = asyncio.run(offer(port, streams, args.seconds, seed=rate * 1000 + round_))
    finally:
        stop(server)
    return step_figures("django_helpdesk", rate, round_, args.seconds, raw, client)


def run_peer(argv, prefix):
    proc = subprocess.run(
        [sys.executable, str(PEER), *argv], cwd=ROOT, capture_output=True, text=True, timeout=1800
    )
    for line in proc.stdout.splitlines():
        if line.startswith(prefix + " "):
            return json.loads(line[len(prefix) + 1 :])
    raise SystemExit(f"peer {argv} failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")


# --- the run ---------------------------------------------------------------------------------


def record(steps, step_of, *args):
    """Run a step; one that fails is reported and the run goes on."""
    try:
        step = step_of(*args)
    except (RuntimeError, SystemExit, OSError) as exc:
        print(f"{step_of.__name__} failed: {exc}", flush=True)
        return
    step["verdict"] = verdict(step)
    steps.append(step)
    print(json.dumps(step), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rates", default="10,20,30,40,50,80")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--levels", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--peer-only", action="store_true")
    parser.add_argument("--redis-db", type=int, default=11)
    parser.add_argument("--database", default="tierdesk_flood")
    parser.add_argument("--child", choices=["setup", "ready", "plant", "collect"])
    parser.add_argument("--timeout", type=float, default=90)
    parser.add_argument("--prefix")
    args = parser.parse_args()
    if args.child:
        import django

        django.setup()
        if args.child == "setup":
            return child_setup()
        if args.child == "ready":
            return child_ready(args.timeout)
        if args.child == "plant":
            return child_plant(args.levels, args.seconds)
        return child_collect(args.levels, args.timeout, args.prefix)

    rates = [int(r) for r in args.rates.split(",")]
    template = f"{args.database}_template"
    meta = {
        "started": datetime.now(UTC).isoformat(),
        "machine": f"{os.cpu_count()} CPUs, Linux {os.uname().release}",
        "args": {k: v for k, v in vars(args).items() if k not in ("child", "prefix")},
        "shedding": {k: v for k, v in os.environ.items() if k.startswith("SHED_")},
    }
    steps = []
    with tempfile.TemporaryDirectory(prefix="tierdesk_flood_") as tmp:
        tokens = None
        if not args.peer_only:
            pg_exec(
                f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)',
                f'CREATE DATABASE "{template}"',
            )
            flush_redis(args.redis_db)
            tokens = run_child(our_env(template, args.redis_db), "setup", prefix="SETUP")
        env = our_env(args.database, args.redis_db)
        for round_ in range(args.rounds):
            for rate in rates:
                if not args.no_peer:
                    record(steps, peer_step, args, rate, round_, tmp)
                if not args.peer_only:
                    record(steps, our_step, args, env, template, tokens, rate, round_)
        if not args.peer_only:
            pg_exec(
                f'DROP DATABASE IF EXISTS "{args.database}" WITH (FORCE)',
                f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)',
            )
    conclude(steps, meta, "tierdesk", "Tierdesk", "flood", RESULTS)


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
