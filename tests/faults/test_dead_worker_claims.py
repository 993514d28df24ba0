"""A worker SIGKILLed while it holds a claim: its work comes back within seconds, not when the
claim's lease runs out (dbtools.claims: the claim names its holder process; the deadline loop of
the same machine sees it gone and hands the rows out again). The leases are left at their
defaults here, 120 s for a firing and 300 s for an outbox row, so a recovery that waited for
them would fail the bound. One qcluster (2 workers) on PostgreSQL, Redis and a real SMTP server.

The worker is caught mid-task deterministically: for the firing, this test holds the ticket's
row lock, so the worker that adopted the claim waits in fire_batch; for the mail, the SMTP
receiver holds the RCPT command of the recipient. The worker named by the claim is then killed
and the hold let go."""

import contextlib
import os
import signal
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from escalation.models import Firing
from incidents.models import Ticket, TicketEvent
from notifications.email import message_id
from notifications.models import Notification
from tests.escalation.sla_setup import HOUR, escalation_policy, sla_policy

from .conftest import cluster_up, on_postgres, until

pytestmark = [
    pytest.mark.slow,
    on_postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
LEASES = {"ESCALATION_CLAIM_SECONDS": 120, "NOTIFICATION_CLAIM_SECONDS": 300}
BOUND = 10  # seconds from the kill to the work done again: far under either lease


def holder_pid(row):
    row.refresh_from_db()
    return int(row.claimed_holder.rsplit(":", 3)[1])


def kill(pid):
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def someone_waits_for_a_lock():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
        return cursor.fetchone()[0] > 0


def due_in_two_seconds(clusters, customer, teams):
    """A qcluster with the default leases, and a ticket whose level (a mail to the team's lead)
    falls due two seconds from now."""
    sla_policy(None, response=HOUR, resolution=4 * HOUR)
    escalation_policy([{"anchor": "created", "offset_seconds": 60, "notify": ["team_leads"]}])
    cluster_up(clusters.start(**LEASES))
    return Ticket.open_ticket(
        requester=customer,
        subject="killed mid-task",
        description="x",
        team=teams["desk"],
        at=timezone.now() - timedelta(seconds=58),
    )


def test_a_level_whose_worker_was_killed_fires_once_within_seconds(clusters, customer, teams, lead):
    """Protection: a claim held by a dead process of this machine is free at once
    (FiringQuerySet.free_claims with dbtools.claims.watch). Checked: with Watch.dead answering
    no holder dead, the level stayed claimed by the killed worker and the 10 s wait failed."""
    ticket = due_in_two_seconds(clusters, customer, teams)
    level = Firing.objects.get(ticket=ticket, kind="level")

    with transaction.atomic():  # the worker that takes the level waits for this lock
        Ticket.objects.select_for_update().get(pk=ticket.pk)
        until(someone_waits_for_a_lock, clusters, 20)
        victim = holder_pid(level)  # the worker that adopted the claim, waiting in fire_batch
        kill(victim)
        killed_at = time.monotonic()
    until(lambda: Firing.objects.get(pk=level.pk).state == "fired", clusters, BOUND)
    took = time.monotonic() - killed_at
    print(f"fired again {took:.2f} s after the kill")

    level.refresh_from_db()
    assert int(level.fired_by.rsplit(":", 1)[1]) != victim
    assert TicketEvent.objects.filter(ticket=ticket, kind="escalated").count() == 1
    assert Notification.objects.filter(cause=f"firing:{level.pk}").count() == 1
    assert took < BOUND


def test_an_escalation_mail_whose_worker_was_killed_mid_send_goes_out_once_within_seconds(
    clusters, smtp, customer, teams, lead
):
    """Protection: the deadline loop claims outbox rows whose holder died
    (notifications.delivery.claim_due, registered by escalation.apps). Checked: with Watch.dead
    answering no holder dead, the row stayed claimed (300 s) and the 10 s wait failed."""
    gate = threading.Event()
    smtp.handler.held[lead.email] = gate
    ticket = due_in_two_seconds(clusters, customer, teams)
    level = Firing.objects.get(ticket=ticket, kind="level")

    until(lambda: smtp.handler.holding.is_set(), clusters, 20)  # a worker is sending it
    [mail] = Notification.objects.filter(cause=f"firing:{level.pk}")
    victim = holder_pid(mail)
    kill(victim)
    killed_at = time.monotonic()
    gate.set()  # the next sender gets through
    until(lambda: Notification.objects.get(pk=mail.pk).status == "sent", clusters, BOUND)
    took = time.monotonic() - killed_at
    print(f"sent again {took:.2f} s after the kill")

    to_lead = [m["Message-ID"] for rcpts, m in smtp.messages if rcpts == [lead.email]]
    assert to_lead == [message_id(mail.pk)]  # once: the killed send never got past RCPT
    assert took < BOUND
