"""Exactly once with real processes: racing workers, and a qcluster killed mid-burst."""

import signal
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from escalation.models import Firing
from helpdesk import probe
from incidents.models import Ticket, TicketEvent
from notifications.models import Notification

from ..processes import kill_group, output, spawn, wait_until
from .sla_setup import HOUR, escalation_policy, sla_policy

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
REDIS_URL = "redis://127.0.0.1:6379/13"


def due_tickets(customer, teams, count, created_at):
    """`count` tickets whose one level (notify the team leads) is already due."""
    sla_policy(None, response=HOUR, resolution=4 * HOUR)
    escalation_policy([{"anchor": "created", "offset_seconds": 60, "notify": ["team_leads"]}])
    for n in range(count):
        Ticket.open_ticket(
            requester=customer,
            subject=f"burst {n}",
            description="x",
            team=teams["desk"],
            at=created_at,
        )
    return list(Firing.objects.filter(kind="level").values_list("pk", flat=True))


def assert_each_fired_once(ids):
    assert Firing.objects.filter(pk__in=ids, state="fired").count() == len(ids)
    assert TicketEvent.objects.filter(kind="escalated").count() == len(ids)
    causes = {f"firing:{pk}" for pk in ids}
    per_firing = Notification.objects.filter(cause__in=causes).values_list("cause", flat=True)
    assert sorted(per_firing) == sorted(causes)  # the one lead, once per firing


@pytest.mark.postgres
@pytest.mark.skipif(
    not ON_POSTGRES,
    reason="the race runs on PostgreSQL (make test-postgres); "
    "SQLite serialises writers, so nothing can race there",
)
def test_four_processes_racing_over_500_due_levels_fire_each_once(customer, teams, lead):
    ids = due_tickets(customer, teams, 500, timezone.now() - timedelta(hours=1))
    assert len(ids) == 500
    id_list = ",".join(map(str, ids))
    workers = [
        spawn(["-m", "tests.escalation.race_worker", mode, str(n), id_list])
        for n, mode in enumerate(["claim", "claim", "direct", "direct"])
    ]
    for worker in workers:
        worker.wait(timeout=240)
    assert [w.returncode for w in workers] == [0, 0, 0, 0], [output(w) for w in workers]
    assert_each_fired_once(ids)


@pytest.mark.parametrize("broker", ["database", "redis"])
def test_a_qcluster_killed_mid_burst_loses_and_doubles_nothing(broker, customer, teams, lead):
    env = {"ESCALATION_CLAIM_SECONDS": 3, "Q_WORKERS": 2}
    if broker == "redis":
        if not probe.redis(REDIS_URL):
            pytest.skip(f"the Redis broker run needs Redis at {REDIS_URL}")
        redis.Redis.from_url(REDIS_URL).flushdb()
        env["REDIS_URL"] = REDIS_URL
    ids = due_tickets(customer, teams, 300, timezone.now() - timedelta(hours=1))
    cluster = spawn(["manage.py", "qcluster"], **env)
    try:
        started = wait_until(
            lambda: Firing.objects.filter(state="fired").exists(), timeout=60, every=0.05
        )
        assert started, output(cluster)
        kill_group(cluster, signal.SIGKILL)
        cluster.wait(timeout=10)
        assert Firing.objects.filter(pk__in=ids, state="fired").count() < len(ids), (
            "the burst finished before the kill; the test proves nothing"
        )
    finally:
        kill_group(cluster, signal.SIGKILL)
    cluster = spawn(["manage.py", "qcluster"], **env)
    try:
        done = wait_until(
            lambda: Firing.objects.filter(pk__in=ids, state="fired").count() == len(ids),
            timeout=120,
        )
        assert done, output(cluster)
    finally:
        kill_group(cluster, signal.SIGKILL)
    assert_each_fired_once(ids)
