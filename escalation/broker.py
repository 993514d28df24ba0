"""django-q2 brokers that also hand out escalation firings the moment they fall due.

django-q2's own scheduler reads `Schedule` rows about every 30 s and `async_task` has no ETA,
so neither can fire a level within a second of its deadline. Every qcluster already runs one
pusher process that calls `broker.dequeue()` in a tight loop (the ORM broker sleeps `poll`
seconds between empty reads; Redis blocks on BLPOP). These brokers add one indexed query to
that loop, at most every `CHECK_EVERY` seconds (`CHECK_BUSY` while levels come in a stream):
claim the firings that are due (a conditional update, so two clusters never claim the same
one) and enqueue a task that fires them, on a list of their own that the loop reads before the
rest of the queue. Other deadlines ride the same check (escalation/deadlines.py: a major
incident's re-pages). See docs/escalation.md."""

import logging
import time
from functools import cached_property

from django import db
from django.db import transaction
from django.utils import timezone
from django_q.brokers.orm import ORM
from django_q.conf import Conf
from django_q.tasks import async_task

from dbtools import claims

log = logging.getLogger(__name__)

# A deadline is taken within CHECK_EVERY. When one check finds several urgent ones (levels,
# pages: STREAM or more, fewer than a full batch), deadlines are coming in a stream (under a
# flood a level falls due every few tens of milliseconds) and the next check waits CHECK_BUSY,
# so each batch takes several at once and its fixed queries (about 25, engine.BATCH), most of a
# small batch's cost, are paid about 2.5 times less often. A check that finds none or one (the
# usual day: a level now and then) or fills a batch (a burst: thousands due at once) is
# followed at CHECK_EVERY; mail found on the outbox's own half-second look changes nothing.
CHECK_EVERY = 0.1
CHECK_BUSY = 0.25
STREAM = 2


class DeadlineMixin:
    """Adds `release_due()` to a broker's dequeue loop, and a list of its own for the tasks
    that fire escalations, taken before any other task: a backlog of mail deliveries (a burst
    of escalations queues thousands) never makes a deadline wait."""

    _next_check = 0.0

    def __init__(self, list_key=None):
        super().__init__(list_key=list_key)
        self.name = list_key or Conf.CLUSTER_NAME
        self._looked = {}  # deadline name → when it is looked at next (Deadline.every)
        self._queue_down = False

    @cached_property
    def firings(self):
        """The stock broker of the same kind on the list `<name>-escalation`."""
        return self.stock(list_key=f"{self.name}-escalation")

    def queue_size(self):
        return super().queue_size() + self.firings.queue_size()

    def release_due(self):
        now = time.monotonic()
        if now < self._next_check:
            return 0
        self._next_check = now + CHECK_EVERY
        from . import deadlines

        try:
            if transaction.get_autocommit():
                db.close_old_connections()
        except Exception:  # a database hiccup must not kill the pusher; the sweep catches up
            log.exception("could not reach the database for due deadlines")
            return 0
        released = urgent = 0
        full = False
        for deadline in (self.firing_deadline, *deadlines.registered()):  # e.g. major re-pages
            if now >= self._looked.get(deadline.name, 0.0):
                self._looked[deadline.name] = now + deadline.every
                count = self._release(deadline)
                released += count
                if deadline.urgent:  # the mail's own look comes every half second anyway
                    urgent, full = urgent + count, full or count >= deadline.batch
        if urgent >= STREAM and not full:  # not sooner than _not_queued's back-off asks
            self._next_check = max(self._next_check, now + CHECK_BUSY)
        return released

    @cached_property
    def firing_deadline(self):
        """The firings' own: one task fires one batch of firings, one transaction."""
        from . import deadlines, engine
        from .models import Firing

        return deadlines.Deadline(
            "escalation-fire",
            engine.claim_due,
            "escalation.tasks.fire_firings",
            Firing,
            engine.BATCH,
        )

    def _release(self, deadline):
        """Claim what is due and queue it in tasks of `batch` ids, on the urgent list or not.
        A task that cannot be queued (the broker is down) lets its claims go at once, so the
        next check claims them again, rather than leaving them held until the lease runs out."""
        token = claims.new_token()
        try:
            ids = deadline.claim(token=token)
        except Exception:  # a database hiccup must not kill the pusher; the sweep catches up
            log.exception("could not claim due %s", deadline.name)
            return 0
        queue = self.firings if deadline.urgent else self
        for start in range(0, len(ids), deadline.batch):
            try:
                async_task(
                    deadline.task,
                    ids[start : start + deadline.batch],
                    token,
                    broker=queue,
                    save=False,
                    task_name=deadline.name,
                )
            except Exception:
                self._not_queued(deadline, ids[start:], token)
                return start
        if ids and self._queue_down:
            self._queue_down = False
            log.warning("the broker takes tasks again (%s)", deadline.name)
        return len(ids)

    def _not_queued(self, deadline, ids, token):
        """Let the claims go; log the first failure of an outage in full, the rest in brief."""
        if self._queue_down:
            log.debug("still cannot queue %s %s", len(ids), deadline.name)
        else:
            self._queue_down = True
            log.exception("cannot queue %s %s: their claims are let go", len(ids), deadline.name)
        self._next_check = time.monotonic() + 1.0  # not ten failures a second
        try:
            claims.let_go(deadline.model.objects.filter(pk__in=ids), token, timezone.now())
        except Exception:  # the database too: the claims end with their lease
            log.exception("could not let the claims of %s go", deadline.name)


class OrmDeadlineBroker(DeadlineMixin, ORM):
    stock = ORM

    def dequeue(self):
        self.release_due()
        # The stock dequeue sleeps when its list is empty: ask first, then take.
        waiting = self.firings.get_connection().filter(
            key=self.firings.list_key, lock__lt=timezone.now()
        )
        if waiting.exists():
            return self.firings.dequeue()
        return super().dequeue()
