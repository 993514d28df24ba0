"""How many escalation firings per second does the engine fire, and what does a ticket cost?

In-process, on a fresh temporary SQLite database with the seed_demo data: its business
calendar (Berlin, Mon-Fri 09-17, holidays), teams and people. For each scenario and round it
opens `--tickets` tickets (Ticket.open_ticket, so clocks and plans are the real ones),
claims their first level when it falls due (30 business minutes after creation) and times
`engine.fire_many` over the claimed ids. Outbox rows are written; nothing is sent.

  (a) notify: the levels only tell people (team leads, supervisors, the assignee);
  (b) move: the first level also reassigns the ticket to the next tier and raises priority.

The peer, django-helpdesk 2.6.1 (bench/peer/peer_escalate.py, its own virtualenv and SQLite
database), escalates as many due tickets with its `escalate_tickets` command in each round,
before Tierdesk's (unless `--no-peer`): each of its tickets gets its priority raised, a
follow-up and mails to the submitter, the queue's CC and the assignee.

Also reports the queries a firing and `Ticket.open_ticket` cost. Prints the medians and a
table against the peer, and saves them under bench/results/engine_throughput-<UTC stamp>.json
and .md. Usage:
    python bench/engine_throughput.py [--tickets 500] [--rounds 3] [--profile a|b] [--no-peer]
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PEER = ROOT / "bench" / "peer" / "peer_escalate.py"
BERLIN = ZoneInfo("Europe/Berlin")
# Business days without holidays in the seed_demo calendar, one per round.
DAYS = [datetime(2026, 6, d, 10, 0, tzinfo=BERLIN) for d in (1, 2, 3, 4, 5, 8, 9, 10, 11, 12)]


def setup_django(path):
    os.environ.pop("REDIS_URL", None)
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def seed():
    """`manage.py seed_demo`: its teams, people, calendar, SLA and matrix (its own policies are
    switched off by use_policy, and its tickets are left out of every measurement)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from incidents.models import Team

    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    teams = Team.objects.in_bulk(field_name="slug")
    people = get_user_model().objects.in_bulk(field_name="username")
    return teams, people


def use_policy(scenario, teams):
    """Make the scenario's policy the only active one: four levels like the demo's ladder."""
    from escalation.models import EscalationLevel, EscalationPolicy

    EscalationPolicy.objects.update(is_active=False)
    policy = EscalationPolicy.objects.create(
        name=f"Bench {scenario} {uuid.uuid4().hex[:6]}", repeat=2, repeat_interval_seconds=1800
    )
    move = scenario == "b"
    levels = [
        (1, "created", 1800, ["assignee", "team_leads", "supervisors"]),
        (2, "response_due", -900, ["assignee", "team_leads"]),
        (3, "response_due", 0, ["team_leads", "supervisors"]),
        (4, "resolution_due", 0, ["team_leads", "supervisors"]),
    ]
    for order, anchor, offset, notify in levels:
        EscalationLevel.objects.create(
            policy=policy,
            order=order,
            anchor=anchor,
            offset_seconds=offset,
            notify=notify,
            reassign_to=teams["application-support"] if move and order == 1 else None,
            set_priority="P2" if move and order == 1 else None,
        )


def open_tickets(count, at, teams, people):
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from incidents.models import Ticket

    customer = people["alice"]
    team = teams["service-desk"]
    tickets, queries = [], []
    for n in range(count):
        reset_queries()  # the log keeps 9,000 queries: a full one would count nothing
        with CaptureQueriesContext(connection) as ctx:
            tickets.append(
                Ticket.open_ticket(
                    requester=customer, subject=f"bench {n}", description="x", team=team, at=at
                )
            )
        queries.append(len(ctx.captured_queries))
    return tickets, queries


def claim(tickets, now):
    """What claim_due does, limited to these tickets' due firings (earlier rounds' stay out)."""
    from django.conf import settings

    from escalation.models import Firing

    token = uuid.uuid4().hex
    Firing.objects.filter(ticket__in=tickets, state=Firing.State.PENDING, due_at__lte=now).update(
        state=Firing.State.CLAIMED,
        claimed_by=token,
        claimed_until=now + timedelta(seconds=settings.ESCALATION_CLAIM_SECONDS),
    )
    return list(
        Firing.objects.filter(claimed_by=token)
        .order_by("due_at", "pk")
        .values_list("pk", flat=True)
    )


def run_round(scenario, day, args, teams, people, profile):
    from django.db import connection

    from bench.create_load import QueryCounter
    from escalation import engine
    from notifications.models import Notification

    tickets, queries = open_tickets(args.tickets, day, teams, people)
    now = day + timedelta(minutes=30, seconds=1)
    ids = claim(tickets, now)
    rows_before = Notification.objects.count()
    profiler = None
    if profile:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        fired = engine.fire_many(ids, now=now)
        elapsed = time.perf_counter() - started
    if profiler:
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    rows = Notification.objects.count() - rows_before
    assert fired == len(ids) == args.tickets, (fired, len(ids), args.tickets)
    return {
        "fired": fired,
        "seconds": elapsed,
        "per_second": fired / elapsed,
        "outbox_rows": rows,
        "queries_per_firing": counter.count / fired,
        "queries_per_open_ticket": statistics.median(queries),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", choices=["a", "b"])
    parser.add_argument("--label", default="current")
    parser.add_argument("--no-peer", action="store_true", help="leave django-helpdesk out")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup_django(Path(tmp) / "bench.sqlite3")
        from bench.create_load import run

        teams, people = seed()
        peer_db = str(Path(tmp) / "peer.sqlite3")
        if not args.no_peer:
            run([sys.executable, str(PEER), "setup", "--db", peer_db], None, "SETUP ")
        peer_cmd = [sys.executable, str(PEER), "round", "--db", peer_db, "-n", str(args.tickets)]
        runs = {"peer": [], "a": [], "b": []}
        days = iter(DAYS * 10)
        # Rounds interleaved (peer, a, b), so that load from elsewhere falls on all alike.
        for _ in range(args.rounds):
            if not args.no_peer:
                runs["peer"].append(run(peer_cmd, None))
            for scenario in ("a", "b"):
                use_policy(scenario, teams)
                profile = args.profile == scenario
                runs[scenario].append(run_round(scenario, next(days), args, teams, people, profile))
    results = {scenario: summarise(scenario, runs[scenario], args) for scenario in ("a", "b")}
    results["django_helpdesk"] = summarise_peer(runs["peer"])
    save(args, results)


def summarise(scenario, rounds, args):
    figures = {
        "firings_per_second_median": statistics.median(r["per_second"] for r in rounds),
        "queries_per_firing_median": statistics.median(r["queries_per_firing"] for r in rounds),
        "queries_per_open_ticket": rounds[0]["queries_per_open_ticket"],
        "rounds": rounds,
    }
    print(
        f"({scenario}) {'notify-only' if scenario == 'a' else 'reassign + priority'}: "
        f"{figures['firings_per_second_median']:.0f} firings/s, "
        f"{figures['queries_per_firing_median']:.2f} queries per firing (median of "
        f"{args.rounds} x {args.tickets}); open_ticket: "
        f"{figures['queries_per_open_ticket']} queries"
    )
    return figures


def summarise_peer(rounds):
    if not rounds:
        return None
    return {
        "package": rounds[0]["package"],
        "per_second_median": statistics.median(r["per_second"] for r in rounds),
        "queries_per_ticket": statistics.median(r["queries_per_ticket"] for r in rounds),
        "rounds": rounds,
    }


def report(figures):
    """The peer's column beside ours: summary.py's rows for this bench, less the goals."""
    from bench.summary import engine_rows, markdown

    header = ["operation", "django-helpdesk 2.6.1", "Tierdesk", "ratio"]
    return markdown(header, [row[:4] for row in engine_rows(figures)])


def save(args, results):
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    payload = {"label": args.label, "at": stamp, "cpus": os.cpu_count(), "args": vars(args)}
    figures = {**payload, **results}
    table = report(figures)
    print(table)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"engine_throughput-{stamp}.json"
    out.write_text(json.dumps(figures, indent=2) + "\n")
    out.with_suffix(".md").write_text(table + "\n")
    print(f"saved {out.relative_to(ROOT)} and .md")


if __name__ == "__main__":
    main()
