"""Who hands a mail out again, and when (notifications.delivery.claim_due, which the deadline
loop calls every second): a failed attempt at its backoff time, not at the next minute's sweep;
a row whose worker died at once; a fresh row never (its own task has it). The worker that runs
the loop's task takes the claim over by its token. Injected clock and liveness, no sleep."""

from datetime import timedelta

import pytest
from django.utils import timezone

from dbtools import claims
from notifications import delivery
from notifications.models import Notification
from notifications.outbox import notify_users

pytestmark = pytest.mark.django_db
DEAD = "worker-7:4242:1234:0123456789ab"


@pytest.fixture
def row(make_ticket, agent, teams):
    ticket = make_ticket(agent, team=teams["desk"], subject="Payroll export fails")
    Notification.objects.all().delete()  # the ticket's own receipt is not this test's
    [made] = notify_users("breach", ticket, [agent], key="firing:claims")
    return made


def failed_once(row, at):
    """The row after a temporary failure at `at`: queued again for its backoff time."""
    delivery.record_failure(row, delivery.DeliveryError("451 later", temporary=True), at)
    row.refresh_from_db()
    return row.next_attempt_at


def test_a_failed_mail_is_handed_out_at_its_backoff_time_not_before(row):
    start = timezone.now()
    retry_at = failed_once(row, start)
    assert 30 <= (retry_at - start).total_seconds() <= 30 * 1.25

    assert delivery.claim_due(retry_at - timedelta(seconds=1)) == []
    assert delivery.claim_due(retry_at) == [row.pk]
    assert delivery.claim_due(retry_at + timedelta(seconds=1)) == []  # claimed: once
    # Its task lost with the broker (the loop that claimed it lives on): free after 60 s.
    assert delivery.claim_due(retry_at + timedelta(seconds=59)) == []
    assert delivery.claim_due(retry_at + timedelta(seconds=61)) == [row.pk]


def test_a_new_row_is_handed_out_at_once_and_once(row):
    now = timezone.now()
    assert delivery.claim_due(now) == [row.pk]
    assert delivery.claim_due(now + timedelta(seconds=1)) == []  # claimed until its task runs


def test_a_row_whose_worker_died_is_handed_out_at_once_and_a_live_ones_is_not(row, dead_holders):
    now = timezone.now()
    Notification.objects.filter(pk=row.pk).update(
        claimed_by="a-worker", claimed_holder=DEAD, claimed_until=now + delivery.CLAIM_DURATION
    )
    assert delivery.claim_due(now + timedelta(seconds=1)) == []  # alive: its claim stands
    assert delivery.deliver_many([row.pk], now=now + timedelta(seconds=1)) == (0, [])

    dead_holders.add(DEAD)
    assert delivery.claim_due(now + timedelta(seconds=1)) == [row.pk]
    row.refresh_from_db()
    assert row.claimed_holder == claims.holder() != DEAD


def test_the_worker_sends_only_what_is_still_claimed_with_its_token(row, mailoutbox):
    retry_at = failed_once(row, timezone.now())
    [claimed] = delivery.claim_due(retry_at, token="loop-token")
    # Its releaser was judged dead and the row claimed again by another loop meanwhile.
    Notification.objects.filter(pk=claimed).update(claimed_by="another-loop")
    assert delivery.deliver_many([claimed], now=retry_at, token="loop-token") == (0, [])
    assert mailoutbox == []

    Notification.objects.filter(pk=claimed).update(claimed_by="loop-token")
    assert delivery.deliver_many([claimed], now=retry_at, token="loop-token") == (1, [])
    row.refresh_from_db()
    assert (row.status, row.attempts, row.claimed_holder) == ("sent", 2, "")
    assert len(mailoutbox) == 1
