"""Sending outbox rows: claim by conditional update, send, record the attempt, decide what next.

Rows are handed to the workers by the deadline loop (`claim_due`, about twice a second): a new
row at once, a failed one at its backoff time, a dead worker's again; an escalation level's rows
go with the transaction that fired it, claimed for their task (outbox.queue_at_once). A row is
claimed for CLAIM_DURATION before it is sent and marked after, naming the worker that holds it
(dbtools.claims); a worker that dies in between leaves a claim that the deadline loop of its
machine sees dead within a second or two (or, from another machine, that expires), and the row
is sent again. So a crash costs at most one duplicate, never a lost message.
"""

import logging
import random
import time
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from dbtools import claims

from . import email, rendering, webhooks
from .errors import DeliveryError
from .models import DeliveryAttempt, Notification

log = logging.getLogger(__name__)

# Longer than a task's time budget (deliver_many's 40 s), or a row still being sent could be
# claimed by a second worker; short in the fault tests, where a killed worker's rows must come
# back within seconds.
CLAIM_DURATION = timedelta(seconds=getattr(settings, "NOTIFICATION_CLAIM_SECONDS", 300))
# The deadline loop's claim on the rows it queues, until the worker that runs the task adopts
# them (and claims them for CLAIM_DURATION): a task lost with the broker frees its rows after
# this, about when the minute sweep would have found them. Running out early costs no double:
# the first task's adoption then finds its token gone and does nothing.
QUEUED_CLAIM = timedelta(seconds=60)
# Rows the deadline loop hands out at one look (about twice a second, each qcluster): a burst of
# escalations (two or three rows a firing) goes out over a few looks, in tasks of CHUNK.
CLAIM_LIMIT = 500
SENDERS = {Notification.Channel.EMAIL: email.send, Notification.Channel.WEBHOOK: webhooks.send}


def max_attempts():
    return getattr(settings, "NOTIFICATION_MAX_ATTEMPTS", 10)


def backoff(attempts, rng=random):
    """Delay before the next try: 30 s, 1 min, 2, 4 … doubling, capped at 2 h, plus ≤25% jitter.

    Ten attempts span over four hours, so an hour-long mail outage loses nothing; the jitter
    keeps a backlog from hitting a recovering server all in the same second."""
    base = getattr(settings, "NOTIFICATION_RETRY_BASE_SECONDS", 30)
    delay = min(base * 2 ** max(attempts - 1, 0), 7200)
    return timedelta(seconds=delay * (1 + rng.random() / 4))


def due(now, dead=None):
    """Queued rows whose time has come and that no live worker holds (dbtools.claims: a claim
    whose lease ran out, or whose holder on this machine died, is free)."""
    if dead is None:
        dead = dead_holders()
    return Notification.objects.due(now).filter(claims.free(now, dead))


def dead_holders():
    queued = Notification.objects.filter(status=Notification.Status.QUEUED)
    return claims.watch.dead("notification", lambda: claims.holders_of(queued))


def claim_due(now=None, limit=CLAIM_LIMIT, token=None):
    """Claim what the deadline loop hands out (escalation registers it, escalation.apps): every
    row whose time has come and that no live worker holds — new rows (their first attempt: no
    cause queues a task of its own, so a create writes no task row in its transaction and a
    burst of causes becomes one task for CHUNK rows), rows whose retry time has come after a
    failed attempt, rows whose worker died holding them. Oldest first. Returns the ids claimed
    under `token` (a new one unless given)."""
    now = now or timezone.now()
    token = token or claims.new_token()
    dead = dead_holders()
    ids = list(
        due(now, dead).order_by("next_attempt_at", "id").values_list("pk", flat=True)[:limit]
    )
    if not ids:
        return []
    held = claims.take(due(now, dead).filter(pk__in=ids), token, now + QUEUED_CLAIM)
    return list(held.values_list("pk", flat=True))


def claim(ids, now, token=None):
    """The rows of `ids` this worker now holds: taken over from the deadline loop's claim
    under `token` (dbtools.claims.adopt), or else claimed where they are due and free."""
    until = now + CLAIM_DURATION
    if token:
        queued = Notification.objects.filter(pk__in=ids, status=Notification.Status.QUEUED)
        return claims.adopt(queued, token, claimed_until=until)
    return claims.take(due(now).filter(pk__in=ids), claims.new_token(), until)


def deliver_many(ids, now=None, budget_seconds=40, token=None):
    """Claim the rows (one conditional update), send them one by one, each marked sent as soon
    as it went out; stop after `budget_seconds`, well inside the queue's task timeout even when
    a server makes every send wait for its timeout. Returns (sent, ids handed back unsent).
    `token`: the deadline loop's claim on them, which this worker takes over."""
    start = now or timezone.now()
    mine = claim(ids, start, token)
    rows = list(mine.order_by("pk"))
    rendering.render_rows(rows)
    started, sent, attempts = time.monotonic(), 0, []
    try:
        for position, row in enumerate(rows):
            if time.monotonic() - started > budget_seconds:
                left = [r.pk for r in rows[position:]]
                mine.filter(pk__in=left).update(**claims.RELEASED)
                return sent, left
            sent += send_one(row, now or timezone.now(), attempts)
    finally:
        # Successful attempts are written together; a crash before this loses their log
        # lines, never a message or its sent status.
        DeliveryAttempt.objects.bulk_create(attempts)
    return sent, []


def send_one(notification, now, attempts):
    """Send a claimed row and record the outcome; True when it went out."""
    try:
        SENDERS[notification.channel](notification)
    except DeliveryError as error:
        record_failure(notification, error, now)
        return False
    except Exception as error:
        # A bug must not leave the row claimed forever: count it like a temporary failure.
        log.exception("notification=%s unexpected delivery error", notification.pk)
        record_failure(notification, DeliveryError(repr(error), temporary=True), now)
        return False
    Notification.objects.filter(pk=notification.pk).update(
        status=Notification.Status.SENT,
        sent_at=now,
        attempts=F("attempts") + 1,
        last_error="",
        **claims.RELEASED,
        **as_sent(notification),
    )
    attempts.append(DeliveryAttempt(notification=notification, at=now, ok=True))
    log.debug("notification=%s channel=%s sent", notification.pk, notification.channel)
    return True


def as_sent(notification):
    """The subject, text and HTML that went out (or were tried), kept on the row for the
    record: rendered in the recipient's zone (rendering.render_rows)."""
    return {
        "subject": notification.subject,
        "body": notification.body,
        "html_body": notification.html_body,
    }


def record_failure(notification, error, now):
    """Keep the error; fail a permanent error at once, else retry later until out of attempts."""
    attempts = notification.attempts + 1
    message = str(error)[:2000]
    changes = {"attempts": attempts, "last_error": message, **claims.RELEASED}
    changes.update(as_sent(notification))
    if not error.temporary:
        changes["status"] = Notification.Status.FAILED
    elif attempts >= max_attempts():
        changes.update(
            status=Notification.Status.FAILED,
            last_error=f"{message} (gave up after {attempts} attempts)",
        )
    else:
        changes["next_attempt_at"] = now + backoff(attempts)
    with transaction.atomic():
        Notification.objects.filter(pk=notification.pk).update(**changes)
        DeliveryAttempt.objects.create(
            notification=notification, at=now, ok=False, temporary=error.temporary, error=message
        )
    log.warning(
        "notification=%s channel=%s attempt=%s temporary=%s error=%s",
        notification.pk,
        notification.channel,
        attempts,
        error.temporary,
        message,
    )


def sweep(now=None, limit=500, budget_seconds=40):
    """Deliver queued rows left behind (crash, broker restart, retry time reached).

    What is left when the time budget runs out waits for the next sweep. Returns the number
    sent."""
    ids = list(
        due(now or timezone.now())
        .order_by("next_attempt_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    return deliver_many(ids, now=now, budget_seconds=budget_seconds)[0]


def retry_now(queryset, now=None):
    """Queue unsent rows again right away, with a fresh attempt budget (an admin's decision).

    Returns the ids to hand to the workers; rows already sent are left alone."""
    now = now or timezone.now()
    ids = list(queryset.exclude(status=Notification.Status.SENT).values_list("pk", flat=True))
    Notification.objects.filter(pk__in=ids).update(
        status=Notification.Status.QUEUED, next_attempt_at=now, attempts=0, **claims.RELEASED
    )
    return ids
