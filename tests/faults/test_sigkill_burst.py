"""SIGKILL of random queue processes every 2 s during a burst: 80 levels falling due over 8 s
and their mails, on two qclusters (2 workers each) on PostgreSQL, Redis and a real SMTP server.
At the end every level has fired exactly once, every outbox row is sent, and every mail has
arrived (the receiver counts Message-IDs, which carry the outbox id).

What is killed: a random process of a random cluster (sentinel, pusher, monitor or worker),
kill -9. django-q's sentinel starts a new pusher, monitor or worker itself; a killed sentinel
takes its cluster down, so its group is killed and a new cluster started (as a supervisor would).
The task a killed worker held is gone from Redis: its firings come back when a pusher of this
machine sees their holder dead (dbtools.claims; test_dead_worker_claims.py holds that on its
own, with the leases at their defaults) or when their claim expires (ESCALATION_CLAIM_SECONDS=3
here), and the deadline broker claims them again; its outbox rows come back the same ways
(NOTIFICATION_CLAIM_SECONDS=3) and the deadline loop or the outbox sweep sends them. The
sweep's minute schedule is not waited for: after the kills the test process runs the function
the schedule calls (notifications.tasks.sweep_outbox), mailing the same SMTP server.

Mail is "at least once" by design (notifications.delivery: a worker killed between the SMTP
server's 250 and the row's `sent` mark sends that row again), so the test allows one duplicate
Message-ID per kill and no more; in practice there are none."""

import contextlib
import os
import random
import signal
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from escalation.models import Firing
from incidents.models import Ticket, TicketEvent
from notifications import tasks
from notifications.email import message_id
from notifications.models import Notification
from tests.escalation.sla_setup import HOUR, escalation_policy, sla_policy
from tests.processes import group_members, kill_group, wait_until

from .conftest import cluster_up, message_ids, on_postgres, until

pytestmark = [
    pytest.mark.slow,
    on_postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
TICKETS = 80
# A random child (worker, pusher or monitor, restarted by the sentinel) most times; once a
# sentinel, which takes its cluster down and is replaced; once every process of every cluster
# the moment a firing is claimed, so that a task surely dies with its worker.
KILLS = ["child", "all", "child", "sentinel", "child", "child"]
T0 = time.monotonic()


def stamp(what):
    print(f"{time.monotonic() - T0:6.1f} s {what}")


def test_random_queue_processes_killed_every_2_s_lose_and_double_nothing(
    clusters, smtp_backend, customer, teams, lead
):
    """Protection: the firing claims that expire and are claimed again (engine.claim_due),
    the conditional `fired` update (exactly once), the outbox claims that expire and the sweep.
    Checked: with Firing.objects.claimable leaving out expired claims, the firings claimed
    when everything was killed stayed `claimed` and the wait for all fired timed out (before
    the "all" kill was added, random kills alone never hit a task in flight and the test
    passed without the protection: that is why it is there)."""
    sla_policy(None, response=HOUR, resolution=4 * HOUR)
    escalation_policy([{"anchor": "created", "offset_seconds": 60, "notify": ["team_leads"]}])
    stamp("start")
    for _ in range(2):
        cluster_up(clusters.start())
    stamp("clusters up")
    soon = timezone.now() + timedelta(seconds=8)
    for n in range(TICKETS):  # due 8 to 16 s from now (opening them takes a few), spread evenly
        due = soon + timedelta(seconds=8 * n / TICKETS)
        Ticket.open_ticket(
            requester=customer,
            subject=f"burst {n}",
            description="x",
            team=teams["desk"],
            at=due - timedelta(seconds=60),
        )
    levels = Firing.objects.filter(kind="level")
    assert levels.count() == TICKETS
    stamp("tickets open")

    rng = random.Random(29)
    killed = []
    for kind in KILLS:
        time.sleep(2)
        if kind == "all":
            killed.append(kill_everything_holding_a_claim(clusters, levels))
            continue
        groups = {c: group_members(c) for c in clusters if c.poll() is None}
        with_children = [c for c, pids in groups.items() if len(pids) > 1] or list(groups)
        cluster = rng.choice(with_children if kind == "child" else list(groups))
        children = [pid for pid in groups[cluster] if pid != cluster.pid]
        victim = rng.choice(children) if kind == "child" and children else cluster.pid
        killed.append("sentinel" if victim == cluster.pid else "child")
        kill_pid(victim)
        if victim == cluster.pid:  # the cluster is gone: its children too, and a new one
            replace(clusters, cluster)
    stamp("kills done")
    assert "all, 0 claimed" not in killed, "no task was in flight: the test proves nothing"

    until(lambda: levels.filter(state="fired").count() == TICKETS, clusters, 40)
    stamp("all fired")
    rows = Notification.objects.all()

    def all_sent():
        if rows.exclude(status="sent").exists():
            tasks.sweep_outbox()
        return not rows.exclude(status="sent").exists()

    assert wait_until(all_sent, timeout=40, every=1), clusters.logs()
    stamp("all sent")

    ids = list(levels.values_list("pk", flat=True))
    assert levels.filter(state="fired").count() == len(ids) == TICKETS
    assert TicketEvent.objects.filter(kind="escalated").count() == TICKETS
    causes = sorted(f"firing:{pk}" for pk in ids)
    per_firing = sorted(rows.filter(cause__in=causes).values_list("cause", flat=True))
    assert per_firing == causes  # the lead's mail, one row per firing
    expected = {message_id(pk) for pk in rows.values_list("pk", flat=True)}
    arrived = message_ids(smtp_backend)
    assert set(arrived) == expected  # every row's mail arrived, nothing else did
    assert len(arrived) - len(expected) <= len(killed), killed  # at most one per kill
    print(f"killed {killed}; {len(arrived) - len(expected)} duplicate mails")


def replace(clusters, cluster):
    kill_group(cluster, signal.SIGKILL)
    cluster.wait(timeout=10)
    clusters.start()


def kill_everything_holding_a_claim(clusters, levels):
    """The moment a firing is claimed (its task on its way to a worker), kill every cluster
    with all its processes, so that the task is surely lost, and start as many anew."""
    wait_until(lambda: levels.filter(state="claimed").exists(), timeout=6, every=0.01)
    held = levels.filter(state="claimed").count()
    for cluster in [c for c in clusters if c.poll() is None]:
        replace(clusters, cluster)
    return f"all, {held} claimed"


def kill_pid(pid):
    with contextlib.suppress(ProcessLookupError):  # it died meanwhile
        os.kill(pid, signal.SIGKILL)
