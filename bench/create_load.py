"""How fast are tickets opened, in-process and through a real server under load?

Both systems get a fresh temporary SQLite database: Tierdesk migrated and seeded with
`manage.py seed_demo`, then `--customers` customers with an API token each (`alice` and
`bench-customer-<n>`), whose creates take turns, as a flood's many customers write in;
django-helpdesk 2.6.1 through bench/peer/peer_create.py (its own virtualenv; staff `dana` with
a token, since its API is for staff only, and it throttles nothing). `--customers 1` opens
every ticket as `alice`, as this script did until 2026-12-07: her throttles' history then
holds every request of the last minute (thousands, each read and written whole by every
request), which no customer could reach under TICKET_CREATE_RATE. Then, for each system,
interleaved over `--rounds`:

* in-process: `--creates` POSTs to /api/tickets/ in a row through Django's test client,
  with the queries each costs;
* served: gunicorn, as docs/operations.md runs Tierdesk in production (`--workers` sync
  workers, no qcluster: mails wait in the outbox; each system's connections as it ships them,
  Tierdesk's SQLite ones kept 600 s and the peer's Django default of one per request, unless
  `--conn-max-age` sets both), and a loopback load generator in this
  process (asyncio, `--connections` concurrent connections, a new one per request since sync
  workers close them) POSTing JSON tickets for `--seconds`. It reports creates/s, median and
  p95 latency, and the server's peak memory: the largest sum of VmRSS over the master and its
  workers, sampled from /proc every 100 ms.

Prints one table and saves bench/results/create_load-<stamp>.json/.md. Usage:
    python bench/create_load.py [--seconds 20] [--connections 8] [--workers 2]
        [--creates 300] [--rounds 2] [--customers 100] [--conn-max-age S] [--no-peer]
        [--profile]
"""

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script
from bench.stack import TICKS, proc_stat  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PEER = ROOT / "bench" / "peer" / "peer_create.py"
OURS_PORT, PEER_PORT = 8761, 8771
BODY = {"subject": "VPN drops every few minutes", "description": "Since this morning."}


def run(cmd, env, prefix="RESULT "):
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600)
    sys.stderr.write(proc.stderr)  # a profile, warnings
    for line in proc.stdout.splitlines():
        if line.startswith(prefix):
            return json.loads(line[len(prefix) :])
    raise SystemExit(f"{cmd} failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")


def our_env(db, conn_max_age):
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        SECRET_KEY="bench",
        DEBUG="false",
        DATABASE_URL=f"sqlite:///{db}"
        + ("" if conn_max_age is None else f"?conn_max_age={conn_max_age}"),
        DJANGO_SETTINGS_MODULE="helpdesk.settings",
        PYTHONPATH=str(ROOT),
        LOG_LEVEL="WARNING",
        ALLOWED_HOSTS="localhost,127.0.0.1",
        # The defaults (1,200/min, 10/hour a customer) would cap the run: each customer here
        # opens a hundred tickets a minute or more.
        API_THROTTLE_USER="100000000/min",
        TICKET_CREATE_RATE="100000000/min",
    )
    return env


def our_setup(env, customers=1):
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([*manage, "seed_demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    child = [sys.executable, __file__, "--child", "setup", "--customers", str(customers)]
    return run(child, env, prefix="SETUP ")


def customer_names(customers):
    return ["alice"] + [f"bench-customer-{n}" for n in range(1, customers)]


def child_setup(customers):
    """The customers (plain accounts, as the portal's sign-up makes them) and their tokens."""
    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    users = get_user_model().objects
    tokens = []
    for name in customer_names(customers):
        user = users.filter(username=name).first()
        if user is None:
            user = users.create_user(name, f"{name}@example.com", "bench-password")
        tokens.append(Token.objects.get_or_create(user=user)[0].key)
    print("SETUP " + json.dumps({"token": tokens[0], "tokens": tokens}), flush=True)


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def child_inprocess(creates, profile, customers):
    """`creates` POSTs in a row (after 5 untimed ones), as peer_create.py's `inprocess`, the
    customers taking turns."""
    from django.db import connections
    from django.test import Client
    from rest_framework.authtoken.models import Token

    names = customer_names(customers)
    keys = dict(Token.objects.filter(user__username__in=names).values_list("user__username", "key"))
    # One client (a test client's first request builds Django's handler and middleware), each
    # request with its customer's token.
    client = Client(HTTP_HOST="localhost")
    turns = itertools.cycle([f"Token {keys[name]}" for name in names])
    body = json.dumps(BODY)

    def post():
        response = client.post(
            "/api/tickets/", body, content_type="application/json", HTTP_AUTHORIZATION=next(turns)
        )
        assert response.status_code == 201, (response.status_code, response.content[:500])

    for _ in range(5):
        post()
    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
    counter, spent = QueryCounter(), []
    # Every database's statements: on SQLite the cache (throttles) has a file of its own.
    with contextlib.ExitStack() as wrappers:
        for alias in connections:
            wrappers.enter_context(connections[alias].execute_wrapper(counter))
        started = time.perf_counter()
        for _ in range(creates):
            begun = time.perf_counter()
            post()
            spent.append((time.perf_counter() - begun) * 1000)
        total = time.perf_counter() - started
    if profiler:
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False), file=sys.stderr)
    result = {
        "creates": creates,
        "per_second": creates / total,
        "ms": spent,
        "queries_per_create": counter.count / creates,
    }
    print("RESULT " + json.dumps(result), flush=True)


def serve_ours(env, workers):
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    cmd = [gunicorn, "helpdesk.wsgi", "-w", str(workers), "-b", f"127.0.0.1:{OURS_PORT}"]
    return subprocess.Popen([*cmd, "--log-level", "warning"], cwd=ROOT, env=env)


def serve_peer(db, args):
    cmd = [sys.executable, str(PEER), "serve", "--db", db, "--workers", str(args.workers)]
    if args.conn_max_age is not None:
        cmd += ["--conn-max-age", str(args.conn_max_age)]
    return subprocess.Popen([*cmd, "--bind", f"127.0.0.1:{PEER_PORT}"], cwd=ROOT)


def wait_for(port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"no server on port {port}")


def descendants(pid):
    """pid and every process below it, from /proc."""
    children = {}
    for entry in Path("/proc").iterdir():
        read = proc_stat(entry.name) if entry.name.isdigit() else None
        if read:
            children.setdefault(int(read[1][1]), []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def rss_kb(pids):
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total


def cpu_seconds(pids):
    """User + system CPU time the processes have used so far."""
    ticks = 0
    for pid in pids:
        read = proc_stat(pid)
        if read:
            ticks += int(read[1][11]) + int(read[1][12])  # utime, stime
    return ticks / TICKS


def stop(server):
    for pid in descendants(server.pid)[1:]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    server.send_signal(signal.SIGTERM)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


async def one_request(port, request):
    return (await exchange(port, request))[0]


async def exchange(port, request):
    """(status, whether it says Retry-After) of one request on its own connection."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(request)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length, retry_after = None, False
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"retry-after":
                retry_after = True
        if length is None:
            await reader.read()
        else:
            await reader.readexactly(length)
        return status, retry_after
    finally:
        writer.close()


async def load(port, request_for, seconds, connections, server_pid):
    """`connections` clients POSTing for `seconds`; latencies of the 201s, statuses, peak RSS."""
    latencies, statuses, peak = [], {}, [0]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds

    async def client(k):
        n = 0
        while loop.time() < deadline:
            started = loop.time()
            try:
                status = await one_request(port, request_for(k, n))
            except (OSError, asyncio.IncompleteReadError):
                status = 0
            statuses[status] = statuses.get(status, 0) + 1
            if status == 201:
                latencies.append((loop.time() - started) * 1000)
            n += 1

    async def sample():
        while loop.time() < deadline:
            peak[0] = max(peak[0], rss_kb(descendants(server_pid)))
            await asyncio.sleep(0.1)

    pids = descendants(server_pid)
    started, server_cpu, own_cpu = loop.time(), cpu_seconds(pids), time.process_time()
    await asyncio.gather(sample(), *(client(k) for k in range(connections)))
    elapsed = loop.time() - started
    server_cpu, own_cpu = cpu_seconds(pids) - server_cpu, time.process_time() - own_cpu
    return {
        "seconds": round(elapsed, 2),
        "connections": connections,
        "statuses": {str(k): v for k, v in statuses.items()},
        "creates": len(latencies),
        "per_second": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) if latencies else None,
        "p95_ms": sorted(latencies)[int(0.95 * (len(latencies) - 1))] if latencies else None,
        "peak_rss_mb": round(peak[0] / 1024, 1),
        # CPU the server spent per ticket, and how busy this load generator kept a core
        "server_cpu_ms": 1000 * server_cpu / len(latencies) if latencies else None,
        "load_generator_cpu": round(own_cpu / elapsed, 2),
        "processes": len(descendants(server_pid)),
    }


def http_post(port, token, body, path="/api/tickets/"):
    """A JSON POST of `body` to `path` with a token, as raw bytes for one_request."""
    payload = json.dumps(body).encode()
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Token {token}\r\nContent-Type: application/json\r\n"
        f"Accept: application/json\r\nContent-Length: {len(payload)}\r\n"
        "Connection: close\r\n\r\n"
    ).encode() + payload


def served(server, port, request_for, args):
    try:
        wait_for(port)
        for warmup in range(2 * args.workers):  # every worker imports and connects first
            asyncio.run(one_request(port, request_for(0, warmup)))
        return asyncio.run(load(port, request_for, args.seconds, args.connections, server.pid))
    finally:
        stop(server)


def median_of(runs, key):
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None


def summary(inprocess, served_runs):
    ms = [m for run in inprocess for m in run["ms"]]
    return {
        "inprocess_per_second": median_of(inprocess, "per_second"),
        "inprocess_p50_ms": statistics.median(ms),
        "queries_per_create": median_of(inprocess, "queries_per_create"),
        "served_per_second": median_of(served_runs, "per_second"),
        "served_p50_ms": median_of(served_runs, "p50_ms"),
        "served_p95_ms": median_of(served_runs, "p95_ms"),
        "peak_rss_mb": median_of(served_runs, "peak_rss_mb"),
        "server_cpu_ms": median_of(served_runs, "server_cpu_ms"),
    }


ROWS = [
    ("in-process creates/s (test client, in a row)", "inprocess_per_second", "{:.1f}", True),
    ("in-process median ms per create", "inprocess_p50_ms", "{:.2f}", False),
    ("queries per create", "queries_per_create", "{:.0f}", False),
    ("served creates/s (gunicorn, {c} connections)", "served_per_second", "{:.1f}", True),
    ("served median latency ms", "served_p50_ms", "{:.1f}", False),
    ("served p95 latency ms", "served_p95_ms", "{:.1f}", False),
    ("served: server CPU ms per create", "server_cpu_ms", "{:.1f}", False),
    ("server peak RSS MB (master + workers)", "peak_rss_mb", "{:.0f}", False),
]


def report(ours, peer, args):
    lines = [
        "| operation | django-helpdesk 2.6.1 | Tierdesk | ratio |",
        "|---|---|---|---|",
    ]
    for label, key, fmt, higher_is_better in ROWS:
        mine, theirs = ours[key], (peer or {}).get(key)
        if theirs is None or not mine:
            ratio = "—"
        else:
            value = mine / theirs if higher_is_better else theirs / mine
            ratio = f"{value:.2f}×"
        them = fmt.format(theirs) if theirs is not None else "—"
        label = label.format(c=args.connections)
        lines.append(f"| {label} | {them} | {fmt.format(mine)} | {ratio} |")
    return "\n".join(lines)


def interleaved(args, env, ours_tokens, peer_db, peer):
    """`args.rounds` rounds, each: peer in-process, ours in-process, peer served, ours served."""
    from peer_create import ticket_body

    turns = itertools.cycle(ours_tokens)

    def ours_request(k, n):
        body = {**BODY, "subject": f"{BODY['subject']} {k}/{n}"}
        return http_post(OURS_PORT, next(turns), body)

    def peer_request(k, n):
        return http_post(PEER_PORT, peer["token"], ticket_body(f"{k}/{n}", peer["queue"]))

    runs = {name: {"inprocess": [], "served": []} for name in ("tierdesk", "django_helpdesk")}
    ours_cmd = [
        *[sys.executable, __file__, "--child", "inprocess"],
        *["--creates", str(args.creates), "--customers", str(args.customers)],
    ]
    peer_cmd = [sys.executable, str(PEER), "inprocess", "--db", peer_db, "-n", str(args.creates)]
    for round_ in range(args.rounds):
        profile = ["--profile"] if args.profile and round_ == 0 else []
        if peer:
            runs["django_helpdesk"]["inprocess"].append(run(peer_cmd, None))
        runs["tierdesk"]["inprocess"].append(run([*ours_cmd, *profile], env))
        if peer:
            server = serve_peer(peer_db, args)
            runs["django_helpdesk"]["served"].append(served(server, PEER_PORT, peer_request, args))
        server = serve_ours(env, args.workers)
        runs["tierdesk"]["served"].append(served(server, OURS_PORT, ours_request, args))
        for name, system in runs.items():
            for kind, done in system.items():
                if done:
                    shown = {k: v for k, v in done[-1].items() if k != "ms"}
                    print(f"round {round_ + 1} {name} {kind}: {json.dumps(shown)}", flush=True)
    return runs


def save(table, meta, ours, peer, runs):
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for system in runs.values():
        for run_ in system["inprocess"]:
            run_["ms"] = [round(m, 3) for m in run_["ms"]]
    out = {"meta": meta, "tierdesk": ours, "django_helpdesk": peer, "runs": runs}
    (RESULTS / f"create_load-{stamp}.json").write_text(json.dumps(out, indent=2))
    (RESULTS / f"create_load-{stamp}.md").write_text(table + "\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--creates", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--customers",
        type=int,
        default=100,
        help="customers whose creates take turns (1: alice opens every ticket)",
    )
    parser.add_argument(
        "--conn-max-age",
        type=int,
        help="CONN_MAX_AGE for both servers (default: each as it ships, Tierdesk's SQLite "
        "connections kept 600 s, the peer's Django default 0: a connection per request)",
    )
    parser.add_argument("--no-peer", action="store_true")
    parser.add_argument("--profile", action="store_true", help="pyinstrument our in-process run")
    parser.add_argument("--child", choices=["setup", "inprocess"])
    args = parser.parse_args()
    if args.child:
        import django

        django.setup()
        if args.child == "setup":
            return child_setup(args.customers)
        return child_inprocess(args.creates, args.profile, args.customers)

    tmp = tempfile.TemporaryDirectory(prefix="tierdesk_create_load_")
    ours_db, peer_db = f"{tmp.name}/tierdesk.sqlite3", f"{tmp.name}/peer.sqlite3"
    env = our_env(ours_db, args.conn_max_age)
    meta = {
        "started": datetime.now(UTC).isoformat(),
        "machine": f"{os.cpu_count()} CPUs, Linux {os.uname().release}",
        "args": vars(args),
    }
    with tmp:
        ours_tokens = our_setup(env, args.customers)["tokens"]
        peer = None
        if not args.no_peer:
            peer = run([sys.executable, str(PEER), "setup", "--db", peer_db], None, "SETUP ")
        runs = interleaved(args, env, ours_tokens, peer_db, peer)
    ours = summary(runs["tierdesk"]["inprocess"], runs["tierdesk"]["served"])
    theirs = None
    if peer:
        theirs = summary(runs["django_helpdesk"]["inprocess"], runs["django_helpdesk"]["served"])
    table = report(ours, theirs, args)
    print(table)
    save(table, meta, ours, theirs, runs)


if __name__ == "__main__":
    sys.path[:0] = [str(ROOT), str(PEER.parent)]
    main()
