"""Re-pages ride the deadline brokers (escalation.deadlines): a due party is claimed once and
handed out on the urgent list; a round is paged once per party even when two workers hold it;
an acknowledgement or the resolution drops a round already claimed; downtime sends no burst.
An injected clock, no sleep; the brokers on the database and on Redis (db 5)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from escalation.majors.models import Party
from escalation.majors.repaging import claim_due, following, repage, repage_due
from notifications.models import Notification

from ..test_broker import broker_factory
from .conftest import DECLARED
from .conftest import declare_sev1 as declare

pytestmark = pytest.mark.django_db
MIN = timedelta(minutes=1)
REDIS_URL = "redis://127.0.0.1:6379/5"


def pages_to(incident, address):
    return Notification.objects.filter(
        cause__startswith=f"major:{incident.pk}:", channel="email", address=address
    ).count()


def test_a_due_party_is_claimed_once_until_its_claim_expires(cast, teams):
    incident = declare(cast, teams)
    assert claim_due(DECLARED + 4 * MIN) == []
    first = claim_due(DECLARED + 5 * MIN)
    assert len(first) == 3
    assert claim_due(DECLARED + 5 * MIN) == []  # another pusher, or the next check
    # A worker that died holding them: the claim expires and another takes them.
    later = DECLARED + 5 * MIN + timedelta(seconds=121)
    assert sorted(claim_due(later)) == sorted(first)
    assert repage(first, later) == 3
    assert incident.parties.filter(claimed_until__isnull=False).count() == 0


def test_a_party_whose_holder_died_is_claimed_again_at_once(cast, teams, dead_holders):
    incident = declare(cast, teams)
    first = claim_due(DECLARED + 5 * MIN, token="loop-a")
    dead = "worker-5:4242:777:0123456789ab"
    incident.parties.update(claimed_holder=dead)
    assert claim_due(DECLARED + 5 * MIN + timedelta(seconds=1)) == []  # alive: its claim stands
    dead_holders.add(dead)
    again = claim_due(DECLARED + 5 * MIN + timedelta(seconds=1), token="loop-b")
    assert sorted(again) == sorted(first)
    # The dead loop's task, if it ever runs, takes nothing over: the round is paged once.
    assert repage(first, DECLARED + 5 * MIN + timedelta(seconds=2), token="loop-a") == 0
    assert repage(again, DECLARED + 5 * MIN + timedelta(seconds=2), token="loop-b") == 3
    assert pages_to(incident, "lee@example.com") == 2


def test_two_workers_holding_the_same_round_page_it_once(cast, teams):
    incident = declare(cast, teams)
    held = claim_due(DECLARED + 5 * MIN)

    assert repage(held, DECLARED + 5 * MIN) == 3
    assert repage(held, DECLARED + 5 * MIN + timedelta(seconds=1)) == 0  # the second worker
    assert pages_to(incident, "lee@example.com") == 2


def test_an_acknowledgement_drops_a_round_already_claimed(cast, teams):
    incident = declare(cast, teams)
    held = claim_due(DECLARED + 5 * MIN)
    incident.acknowledge(cast["lee"], at=DECLARED + 5 * MIN)  # while the task waits in line

    assert repage(held, DECLARED + 5 * MIN + timedelta(seconds=1)) == 2
    assert pages_to(incident, "lee@example.com") == 1
    assert pages_to(incident, "noc@acme.example") == 2


def test_the_resolution_drops_every_round_already_claimed(cast, teams):
    incident = declare(cast, teams)
    held = claim_due(DECLARED + 5 * MIN)
    incident.resolve(cast["commander"], "Fixed.", at=DECLARED + 5 * MIN)

    assert repage(held, DECLARED + 5 * MIN + timedelta(seconds=1)) == 0
    assert not incident.parties.filter(next_page_at__isnull=False).exists()


def test_rounds_keep_to_the_grid_and_downtime_sends_one_page_not_a_burst(cast, teams):
    incident = declare(cast, teams)
    # A second late: the next round is still due on the 5-minute grid, not 5 minutes later.
    assert repage_due(DECLARED + 5 * MIN + timedelta(seconds=1)) == 3
    party = incident.parties.get(team=teams["apps"])
    assert party.next_page_at == DECLARED + 10 * MIN
    # Workers down for 22 minutes: one page now, the next on the grid after now.
    assert repage_due(DECLARED + 27 * MIN) == 3
    party.refresh_from_db()
    assert party.pages == 3 and party.next_page_at == DECLARED + 30 * MIN
    assert following(DECLARED, 5 * MIN, DECLARED + 5 * MIN) == DECLARED + 10 * MIN


@pytest.fixture(params=["orm", "redis"])
def make_broker(request, monkeypatch):
    return broker_factory(request.param, monkeypatch, REDIS_URL, "repage-test")


def repage_tasks(task_log, task_set):
    return task_log.taken(task_set, "escalation.majors.tasks.repage")


def test_a_broker_hands_out_a_due_party_on_the_urgent_list(make_broker, cast, teams, task_log):
    incident = declare(cast, teams, at=timezone.now() - 6 * MIN)
    Party.objects.filter(incident=incident).exclude(team=teams["apps"]).update(
        next_page_at=timezone.now() + MIN
    )
    queue = make_broker()

    tasks = repage_tasks(task_log, queue.dequeue())

    apps = incident.parties.get(team=teams["apps"])
    assert [t["args"] for t in tasks] == [([apps.pk], apps.claimed_by)]  # the claim's token
    queue._next_check = 0
    assert repage_tasks(task_log, queue.dequeue()) == []  # claimed: not handed out twice
