"""The framework's floor under bench/flood.py's load: which rate can an empty Django + DRF hold?

bench/flood.py offers a Tierdesk stack R creates and 2R list reads a second, open loop, and
finds the highest R at which every request succeeds with create p95 <= 250 ms and list p95 <=
150 ms; issue 29 asks for 3x the rate django-helpdesk's create endpoint holds. This script
offers the same load, with the same generator (flood.offer: Poisson arrivals, a connection per
request, latency from the scheduled instant), to bench/create_floor.py's minimal project instead:
one model, token authentication, `POST /api/notes/` inserts one row, `GET /api/notes/` reads
the owner's newest 25 of 2,000 with DRF's paginator. No ticket, clock, firing, mail, throttle,
visibility rule or middleware beyond one: whatever rate this cannot hold, nothing built on the
same Django, DRF and gunicorn (2 sync workers) on the same two cores can.

Per rate: the floor's step, on SQLite (WAL, as create_floor) or, with `--postgres`, on a fresh
PostgreSQL database as the flood's stack; then, unless `--no-peer`, django-helpdesk's create
step as bench/flood.py runs it. Results: bench/results/flood_floor-<stamp>.json/.md. Usage:
    python bench/flood_floor.py [--rates 100,200,300] [--seconds 30] [--postgres] [--no-peer]
"""

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script
from bench import create_floor  # noqa: E402
from bench.create_load import exchange, wait_for  # noqa: E402
from bench.flood import offer, peer_step, record, request_bytes  # noqa: E402
from bench.flood_report import conclude, step_figures  # noqa: E402
from bench.stack import PG, free_port, pg_exec, start, stop  # noqa: E402

RESULTS = create_floor.RESULTS
NOTES = 2_000  # rows the lists page through, as the flood's agent reads 3,000 tickets


def prepare(db):
    """The floor's tables, its user and token, and NOTES notes of theirs; returns the token."""
    create_floor.configure(db)
    from django.contrib.auth.models import User
    from django.db import connections

    note = create_floor.define()
    token = create_floor.populate(note)
    owner = User.objects.get()
    body = create_floor.BODY
    note.objects.bulk_create(note(owner=owner, **body) for _ in range(NOTES))
    connections.close_all()  # the workers have the database to themselves
    return token


def floor_step(args, db, token, rate, round_):
    port = free_port()
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    cmd = [gunicorn, "bench.create_floor:application", "-w", str(args.workers)]
    env = {**os.environ, "FLOOR_DB": db, "PYTHONPATH": str(create_floor.ROOT)}
    server = start([*cmd, "-b", f"127.0.0.1:{port}", "--log-level", "warning"], env)

    def create(n):
        body = {**create_floor.BODY, "subject": f"flood {rate}/{round_}/{n}"}
        return request_bytes("POST", port, "/api/notes/", token, body)

    listing = request_bytes("GET", port, "/api/notes/", token)
    try:
        wait_for(port)
        for n in range(10 * args.workers):  # every worker imported and connected
            asyncio.run(exchange(port, listing))
            asyncio.run(exchange(port, create(-n - 1)))
        streams = {"create": (rate, create), "list": (2 * rate, lambda n: listing)}
        raw, client = asyncio.run(offer(port, streams, args.seconds, seed=rate * 1000 + round_))
    finally:
        stop(server)
    return step_figures("floor", rate, round_, args.seconds, raw, client)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rates", default="100,200,300")
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--no-peer", action="store_true")
    args = parser.parse_args()
    rates = [int(r) for r in args.rates.split(",")]
    meta = {
        "started": datetime.now(UTC).isoformat(),
        "machine": f"{os.cpu_count()} CPUs, Linux {os.uname().release}",
        "args": vars(args),
    }
    steps = []
    with tempfile.TemporaryDirectory(prefix="tierdesk_flood_floor_") as tmp:
        for round_ in range(args.rounds):
            for rate in rates:
                if not args.no_peer:
                    record(steps, peer_step, args, rate, round_, tmp)
                # A fresh database a step, as the flood copies its template for every step.
                if args.postgres:
                    pg_exec(
                        'DROP DATABASE IF EXISTS "tierdesk_floor" WITH (FORCE)',
                        'CREATE DATABASE "tierdesk_floor"',
                    )
                    db = f"{PG}/tierdesk_floor"
                else:
                    db = f"{tmp}/floor-{rate}-{round_}.sqlite3"
                token = run_prepare(db)
                record(steps, floor_step, args, db, token, rate, round_)
        if args.postgres:
            pg_exec('DROP DATABASE IF EXISTS "tierdesk_floor" WITH (FORCE)')
    conclude(steps, meta, "floor", "the floor", "flood_floor", RESULTS)


def run_prepare(db):
    """prepare() in a child process: Django is configured once per process, and this one
    configures nothing (the peer's steps run from here too)."""
    code = "import sys; from bench.flood_floor import prepare; print('TOKEN', prepare(sys.argv[1]))"
    done = subprocess.run(
        [sys.executable, "-c", code, db],
        cwd=create_floor.ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.split("TOKEN ", 1)[1].strip()


if __name__ == "__main__":
    main()
