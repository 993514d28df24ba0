"""django-q2 brokers that also hand out escalation firings the moment they fall due.

django-q2's own scheduler reads `Schedule` rows about every 30 s and `async_task` has no ETA,
so neither can fire a level within a second of its deadline. Every qcluster already runs one
pusher process that calls `broker.dequeue()` in a tight loop (the ORM broker sleeps `poll`
seconds between empty reads; Redis blocks on BLPOP). These brokers add one indexed query to
that loop, at most every `CHECK_EVERY` seconds: claim the firings that are due (a conditional
update, so two clusters never claim the same one) and enqueue a task that fires them, on a
list of their own that the loop reads before the rest of the queue. Other deadlines ride the
same check (escalation/deadlines.py: a major incident's re-pages). See docs/escalation.md."""

import logging
import time
from functools import cached_property

from django import db
from django.db import transaction
from django.utils import timezone
from django_q.brokers.orm import ORM
from django_q.conf import Conf
from django_q.tasks import async_task

log = logging.getLogger(__name__)

CHECK_EVERY = 0.1


class DeadlineMixin:
    """Adds `release_due()` to a broker's dequeue loop, and a list of its own for the tasks
    that fire escalations, taken before any other task: a backlog of mail deliveries (a burst
    of escalations queues thousands) never makes a deadline wait."""

    _next_check = 0.0

    def __init__(self, list_key=None):
        super().__init__(list_key=list_key)
        self.name = list_key or Conf.CLUSTER_NAME

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
        from . import deadlines, engine

        try:
            if transaction.get_autocommit():
                db.close_old_connections()
        except Exception:  # a database hiccup must not kill the pusher; the sweep catches up
            log.exception("could not reach the database for due deadlines")
            return 0
        # One task fires one batch of firings: one transaction.
        released = self._release(
            "escalation-fire", engine.claim_due, "escalation.tasks.fire_firings", engine.BATCH
        )
        for other in deadlines.registered():  # escalation.deadlines: e.g. major re-pages
            released += self._release(other.name, other.claim, other.task, other.batch)
        return released

    def _release(self, name, claim, task, batch):
        """Claim what is due and queue it on the urgent list in tasks of `batch` ids."""
        try:
            ids = claim()
        except Exception:  # a database hiccup must not kill the pusher; the sweep catches up
            log.exception("could not claim due %s", name)
            return 0
        for start in range(0, len(ids), batch):
            async_task(
                task,
                ids[start : start + batch],
                broker=self.firings,
                save=False,
                task_name=name,
            )
        return len(ids)


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
