"""django-q2 brokers that also hand out escalation firings the moment they fall due.

django-q2's own scheduler reads `Schedule` rows about every 30 s and `async_task` has no ETA,
so neither can fire a level within a second of its deadline. Every qcluster already runs one
pusher process that calls `broker.dequeue()` in a tight loop (the ORM broker sleeps `poll`
seconds between empty reads; Redis blocks on BLPOP). These brokers add one indexed query to
that loop, at most every `CHECK_EVERY` seconds: claim the firings that are due (a conditional
update, so two clusters never claim the same one) and enqueue a task that fires them. The
queue then carries the work to a worker like any other task. See docs/escalation.md."""

import logging
import time

from django import db
from django.db import transaction
from django_q.brokers.orm import ORM
from django_q.brokers.redis_broker import Redis
from django_q.tasks import async_task

log = logging.getLogger(__name__)

CHECK_EVERY = 0.1


class DeadlineMixin:
    """Adds `release_due()` to a broker's dequeue loop."""

    _next_check = 0.0

    def dequeue(self):
        self.release_due()
        return super().dequeue()

    def release_due(self):
        now = time.monotonic()
        if now < self._next_check:
            return 0
        self._next_check = now + CHECK_EVERY
        from . import engine

        batch = engine.BATCH  # one task fires one batch: one transaction
        try:
            if transaction.get_autocommit():
                db.close_old_connections()
            ids = engine.claim_due()
        except Exception:  # a database hiccup must not kill the pusher; the sweep catches up
            log.exception("could not claim due escalation firings")
            return 0
        for start in range(0, len(ids), batch):
            async_task(
                "escalation.tasks.fire_firings",
                ids[start : start + batch],
                broker=self,
                save=False,
                task_name="escalation-fire",
            )
        return len(ids)


class OrmDeadlineBroker(DeadlineMixin, ORM):
    pass


class RedisDeadlineBroker(DeadlineMixin, Redis):
    # BLPOP for at most this long, so the firing check runs several times a second.
    BLOCK_SECONDS = 0.1

    def dequeue(self):
        self.release_due()
        task = self.connection.blpop(self.list_key, self.BLOCK_SECONDS)
        if task:
            return [(None, task[1])]
        return None
