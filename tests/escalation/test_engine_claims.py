"""A claimed firing names the process that holds it (dbtools.claims): when that process is seen
dead on this machine its firing is claimed again at once, not when the 120 s lease runs out; a
live holder, or one of another machine, keeps its claim until the lease ends. The worker that
runs a task takes the claim over only where the loop's token still stands. Injected clock and
liveness: no real process, no sleep."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dbtools import claims
from escalation import engine, tasks
from escalation.models import Firing
from incidents.models import TicketEvent

pytestmark = pytest.mark.django_db
DEAD = "worker-3:31337:987654:0123456789ab"


@pytest.fixture
def firing(due_firing):
    return due_firing


def held_by(firing, holder, now):
    """The firing as a worker `holder` left it: claimed, its lease running to now + 120 s."""
    assert engine.claim_due(now) == [firing.pk]
    Firing.objects.filter(pk=firing.pk).update(claimed_holder=holder)


def test_a_claim_names_this_process_as_its_holder(firing):
    now = timezone.now()
    token = "the-loops-token"
    assert engine.claim_due(now, token=token) == [firing.pk]
    firing.refresh_from_db()
    assert (firing.state, firing.claimed_by, firing.claimed_holder) == (
        "claimed",
        token,
        claims.holder(),
    )


def test_a_firing_whose_holder_died_is_claimed_again_at_once(firing, dead_holders):
    now = timezone.now()
    held_by(firing, DEAD, now)
    assert engine.claim_due(now + timedelta(seconds=1)) == []  # its holder lives: the claim stands

    dead_holders.add(DEAD)
    assert engine.claim_due(now + timedelta(seconds=1)) == [firing.pk]
    assert engine.fire_many([firing.pk], now + timedelta(seconds=2)) == 1
    assert TicketEvent.objects.filter(kind="escalated").count() == 1


def test_a_holder_of_another_machine_keeps_its_claim_until_the_lease_ends(firing, monkeypatch):
    monkeypatch.setattr(claims, "watch", claims.Watch(every=0))  # the real rule, every time
    now = timezone.now()
    far = "worker-9:4194305:987654:fedcba987654"  # no such pid here, but not of this machine
    held_by(firing, far, now)
    assert engine.claim_due(now + timedelta(seconds=119)) == []
    assert engine.claim_due(now + timedelta(seconds=121)) == [firing.pk]


def test_by_the_real_rule_a_gone_holder_of_this_machine_is_dead(firing, monkeypatch):
    monkeypatch.setattr(claims, "watch", claims.Watch(every=0))
    if not claims.scope():
        pytest.skip("no /proc here: the lease alone applies")
    now = timezone.now()
    host, _pid, start, here = claims.holder().rsplit(":", 3)
    held_by(firing, f"{host}:4194305:{start}:{here}", now)  # above any pid Linux gives out
    assert engine.claim_due(now + timedelta(seconds=1)) == [firing.pk]


def test_the_worker_fires_only_what_is_still_claimed_with_the_loops_token(firing, dead_holders):
    now = timezone.now()
    assert engine.claim_due(now, token="loop-a") == [firing.pk]
    # Loop a was judged dead before its task ran: loop b claimed the firing again.
    Firing.objects.filter(pk=firing.pk).update(claimed_holder=DEAD)
    dead_holders.add(DEAD)
    assert engine.claim_due(now + timedelta(seconds=1), token="loop-b") == [firing.pk]

    assert tasks.fire_firings([firing.pk], "loop-a") == 0  # a's task: nothing of its own left
    firing.refresh_from_db()
    assert (firing.state, firing.claimed_by) == ("claimed", "loop-b")

    assert tasks.fire_firings([firing.pk], "loop-b") == 1
    firing.refresh_from_db()
    assert (firing.state, firing.claimed_holder) == ("fired", "")
    assert TicketEvent.objects.filter(kind="escalated").count() == 1
