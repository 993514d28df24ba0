"""The peer for bench/engine_throughput.py: django-helpdesk 2.6.1 escalating due tickets.

Run with any Python 3.11 (it never imports Django itself). It uses peer_create's project (the
virtualenv from peer_bench.build, never the project's venv; settings peer_create_settings with
the database in PEER_DB) and django-helpdesk's dummy email backend: mails are rendered and
handed over, nothing is stored or sent.

django-helpdesk escalates with the cron command `escalate_tickets`: for each queue with
`escalate_days`, every open ticket not on hold whose `last_escalation` (or `created`) is that
many working days old gets its priority raised by one, a public follow-up with the priority
change, and mails to the submitter, the queue's CC and the assignee.

    peer_escalate.py setup --db PATH     migrate a fresh database: staff `dana`, one queue
                                         escalating after 1 day with a CC address
    peer_escalate.py round --db PATH -n N
                                         add N tickets created 10 days ago, time
                                         `call_command("escalate_tickets")`; prints
                                         `RESULT {json}` (tickets escalated per second and
                                         queries per ticket)
"""

import argparse
import json
import sys
import time
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import peer_bench  # noqa: E402  (the virtualenv and the project files)
import peer_create  # noqa: E402  (its settings: peer_bench's with the database from PEER_DB)


def setup():
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from helpdesk.models import Queue

    call_command("migrate", verbosity=0)
    get_user_model().objects.create_user("dana", "dana@example.com", "pw", is_staff=True)
    Queue.objects.create(
        title="Service Desk",
        slug="service-desk",
        email_address="desk@example.com",
        escalate_days=1,
        updated_ticket_cc="leads@example.com",
    )
    return {"package": peer_bench.PACKAGE}


def seed(count):
    """`count` open P3 tickets assigned to dana, created 10 days ago: all due for escalation."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone
    from helpdesk.models import Queue, Ticket

    queue = Queue.objects.get(slug="service-desk")
    dana = get_user_model().objects.get(username="dana")
    tickets = Ticket.objects.bulk_create(
        Ticket(
            title=f"VPN drops every few minutes ({n})",
            queue=queue,
            submitter_email=f"customer{n}@example.com",
            assigned_to=dana,
            status=Ticket.OPEN_STATUS,
            priority=3,
            description="Since this morning the VPN drops every few minutes.",
        )
        for n in range(count)
    )
    # created is auto_now_add: only an update backdates it.
    Ticket.objects.filter(pk__in=[t.pk for t in tickets]).update(
        created=timezone.now() - timedelta(days=10)
    )
    return {t.pk for t in tickets}


def escalate_round(count):
    from django.core.management import call_command
    from django.db import connection
    from helpdesk.models import Ticket

    ids = seed(count)
    counter = peer_create.QueryCounter()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        call_command("escalate_tickets")
        elapsed = time.perf_counter() - started
    escalated = Ticket.objects.filter(pk__in=ids, priority=2, last_escalation__isnull=False)
    done = escalated.count()
    assert done == count, (done, count)
    return {
        "package": peer_bench.PACKAGE,
        "escalated": done,
        "seconds": elapsed,
        "per_second": done / elapsed,
        "queries_per_ticket": counter.count / done,
    }


def inside(args):
    peer_bench.setup_django("peer_create_settings", args.db)
    if args.command == "setup":
        print("SETUP " + json.dumps(setup()), flush=True)
    else:
        print("RESULT " + json.dumps(escalate_round(args.n)), flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["setup", "round"])
    parser.add_argument("--db", required=True)
    parser.add_argument("-n", type=int, default=500)
    parser.add_argument("--inside", action="store_true")
    args = parser.parse_args()
    if args.inside:
        return inside(args)
    if args.command == "setup":
        peer_create.build()
    sys.exit(peer_bench.run_inside(__file__, [args.command, "--db", args.db, "-n", str(args.n)]))


if __name__ == "__main__":
    main()
