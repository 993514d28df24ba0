"""The cluster stopped, levels falling due meanwhile, the cluster started again: each overdue
level fires once, marked late, and a repeating level sends no burst of its missed repeats (SPEC
"Escalation policies": after downtime, each overdue level fires once, marked late; no burst of
missed repeats).

Two minutes of downtime are not waited for (the suite has a 15-minute budget). The cluster is
really stopped (killed with its workers, and waited for), and the tickets are then opened with
their creation time three minutes in the past (`open_ticket(at=...)`, the injected clock the
lifecycle takes): their firing rows are planned and stored exactly as they would have been had
the tickets been opened then, and fell due while no cluster ran. To the engine a stored firing
due 120 s ago is the same whether a cluster slept through those 120 s or not: it reads due
times from the rows and the time from the clock. The cluster is then started for real."""

import signal
from datetime import timedelta

import pytest
from django.utils import timezone

from escalation.models import Firing
from incidents.models import Ticket, TicketEvent
from notifications.models import Notification
from tests.escalation.sla_setup import HOUR, escalation_policy, sla_policy
from tests.processes import kill_group

from .conftest import cluster_up, on_postgres, until

pytestmark = [
    pytest.mark.slow,
    on_postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]
TICKETS = 20


def test_after_downtime_each_overdue_level_fires_once_late_without_a_burst_of_repeats(
    clusters, customer, teams, lead
):
    """Protection: engine._Judge.superseded and engine.skip_overdue_repeats (no burst), the
    `late` mark in engine._mark_fired, the Firing state change under lock (once). Checked:
    with `superseded` answering False and skip_overdue_repeats returning 0 (no protection
    against the burst), this test failed."""
    stopped = clusters.start()
    cluster_up(stopped)
    kill_group_and_wait(stopped, signal.SIGKILL)

    sla_policy(None, response=HOUR, resolution=4 * HOUR)
    # Level 1 at +60 s, level 2 at +90 s, then level 2 repeated 4 times 20 s apart.
    escalation_policy(
        [
            {"anchor": "created", "offset_seconds": 60, "notify": ["team_leads"]},
            {"anchor": "created", "offset_seconds": 90, "notify": ["team_leads"]},
        ],
        repeat=4,
        interval=20,
    )
    opened = timezone.now() - timedelta(seconds=180)  # level 1 due 2 min ago, repeats by -10 s
    for n in range(TICKETS):
        Ticket.open_ticket(
            requester=customer, subject=f"down {n}", description="x", team=teams["desk"], at=opened
        )
    levels = Firing.objects.filter(kind="level")
    assert levels.count() == TICKETS * 6
    assert not levels.filter(due_at__gt=timezone.now()).exists()  # every one overdue

    clusters.start()
    until(lambda: not levels.filter(state__in=["pending", "claimed"]).exists(), clusters, 60)

    fired = levels.filter(state="fired")
    assert sorted(fired.values_list("level", "repeat")) == sorted([(1, 0), (2, 0)] * TICKETS)
    assert not fired.filter(late=False).exists()
    assert levels.filter(repeat__gt=0, state="skipped").count() == TICKETS * 4
    events = TicketEvent.objects.filter(kind="escalated")
    assert events.count() == TICKETS * 2
    assert all(data["late"] for data in events.values_list("data", flat=True))
    causes = [f"firing:{pk}" for pk in fired.values_list("pk", flat=True)]
    mails = Notification.objects.filter(cause__in=causes)
    assert sorted(mails.values_list("cause", flat=True)) == sorted(causes)  # the lead, once each


def kill_group_and_wait(process, sig):
    kill_group(process, sig)
    process.wait(timeout=30)
