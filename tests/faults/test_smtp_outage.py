"""The mail server down (connection refused), then up again: every outbox row is retried with
backoff while it is down, and delivered exactly once after it comes back; nothing is lost and
nothing is sent twice.

The outbox sweep is called here as the cluster's minute schedule calls it
(notifications.tasks.sweep_outbox → delivery.sweep), and the deadline loop's claim of the
retries that are due (delivery.claim_due, then the task's deliver_many under its token) as the
pusher does every second, at injected instants, against a real SMTP server (aiosmtpd) that is
stopped and started again on the same port; the backoff is sped up to a 1-second base through
NOTIFICATION_RETRY_BASE_SECONDS."""

from datetime import timedelta

import pytest
from django.utils import timezone

from escalation.models import Firing
from notifications import delivery
from notifications.email import message_id
from notifications.models import DeliveryAttempt, Notification
from tests.escalation.sla_setup import HOUR, escalation_policy, run_engine, sla_policy

from .conftest import message_ids, on_postgres

pytestmark = [on_postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]
TICKETS = 10


def test_mail_queued_while_the_server_is_down_goes_out_once_when_it_is_back(
    smtp_backend, make_ticket, customer, teams, lead
):
    """Protection: delivery.record_failure keeps a refused connection `queued` with a later
    next_attempt_at (temporary), and the claim + `sent` mark make a row go out once. Checked:
    with record_failure treating every error as permanent (`temporary` forced False), the rows
    were `failed` after the first sweep and nothing was delivered when the server came back;
    with send_one not marking the row sent, the third sweep sent every mail a second time."""
    smtp = smtp_backend
    sla_policy(None, response=HOUR, resolution=4 * HOUR)
    escalation_policy([{"anchor": "created", "offset_seconds": 60, "notify": ["team_leads"]}])
    start = timezone.now()
    for _ in range(TICKETS):
        make_ticket(customer, team=teams["desk"], at=start - timedelta(minutes=5))
    run_engine(start)
    assert Firing.objects.filter(state="fired").count() == TICKETS
    rows = Notification.objects.all()
    total = rows.count()
    assert total == 2 * TICKETS  # each ticket's receipt, and each level's mail to the lead

    # The levels' mails were handed to a task with their firing (outbox.queue_at_once), which
    # no worker runs here: a minute on, that claim has run out, as a lost task's would, and
    # every row is due for the loop and the sweep.
    start = timezone.now() + delivery.QUEUED_CLAIM
    smtp.stop()  # connection refused from here on
    assert delivery.sweep(now=start) == 0
    assert delivery.sweep(now=start + timedelta(seconds=2)) == 0
    assert set(rows.values_list("status", "attempts")) == {("queued", 2)}
    waits = [(r.next_attempt_at - start).total_seconds() for r in rows]
    assert all(2 + 2 <= wait <= 2 + 2 * 1.25 for wait in waits)  # 1 s, then 2 s (+ ≤25% jitter)
    assert DeliveryAttempt.objects.filter(ok=False, temporary=True).count() == 2 * total
    assert delivery.sweep(now=start + timedelta(seconds=3)) == 0  # not due: not even tried
    assert delivery.claim_due(now=start + timedelta(seconds=3)) == []  # nor by the loop
    assert DeliveryAttempt.objects.count() == 2 * total

    smtp.start()  # back, on the same port
    # Half go out by the deadline loop at their retry time, the rest by the sweep.
    back = start + timedelta(seconds=5)
    half = delivery.claim_due(now=back, limit=total // 2, token="loop")
    assert len(half) == total // 2
    assert delivery.deliver_many(half, now=back, token="loop") == (total // 2, [])
    assert delivery.sweep(now=back) == total - total // 2
    assert delivery.sweep(now=start + timedelta(seconds=60)) == 0
    assert set(rows.values_list("status", flat=True)) == {"sent"}
    assert sorted(message_ids(smtp)) == sorted(
        message_id(pk) for pk in rows.values_list("pk", flat=True)
    )
