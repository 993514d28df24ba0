"""The escalation engine: claims firings that are due and fires each exactly once.

Exactly once rests on two rows, not on the queue: the unique `Firing.key` (planning twice makes
one row) and the conditional update `pending|claimed → fired` made in the same transaction as
the firing's effects (two workers racing: one changes the row and goes on; the other changes
nothing and stops). At least once rests on the claim ending: a claimed firing whose worker died
is handed out again by the deadline loop of its machine within a second or two (the claim names
its holder process, dbtools.claims), or by any loop or the sweep once its lease runs out."""

import logging
import os
import socket
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dbtools import claims
from incidents.models import Ticket

from . import actions
from .models import Firing, TicketClock
from .models.firings import HOLDING

log = logging.getLogger(__name__)
LATE_AFTER = timedelta(seconds=getattr(settings, "ESCALATION_LATE_SECONDS", 30))
# Firings per transaction. On SQLite a batch holds the database's write lock while it runs:
# 100 ticket-changing firings take about 0.1 s, which a web request waiting on the lock barely
# notices; the per-batch queries (about 25) are then spread over twice as many firings as at 50.
BATCH = 100


def claim_due(now=None, limit=500, token=None):
    """Claim up to `limit` firings due by now: pending, or claimed by a worker whose claim
    expired or who died (dbtools.claims). Returns the claimed ids; only this caller holds them,
    under `token` (a new one unless given), named as this process's."""
    now = now or timezone.now()
    token = token or claims.new_token()
    candidates = list(
        Firing.objects.claimable(now).order_by("due_at").values_list("pk", "state")[:limit]
    )
    if not candidates:
        return []
    until = now + timedelta(seconds=settings.ESCALATION_CLAIM_SECONDS)
    for state in {state for _, state in candidates}:
        ids = [pk for pk, s in candidates if s == state]
        claimed = state == Firing.State.CLAIMED
        still = Firing.objects.free_claims(now) if claimed else Q(state=state)
        Firing.objects.filter(still, pk__in=ids).update(
            state=Firing.State.CLAIMED,
            claimed_by=token,
            claimed_holder=claims.holder(),
            claimed_until=until,
        )
    return list(Firing.objects.claimed_with(token).values_list("pk", flat=True))


def adopt(firing_ids, token):
    """The firings of `firing_ids` still claimed under `token` (by the deadline loop that queued
    this task), now claimed by this worker (dbtools.claims.adopt)."""
    claimed = Firing.objects.filter(pk__in=firing_ids, state=Firing.State.CLAIMED)
    return list(claims.adopt(claimed, token).order_by("due_at", "pk").values_list("pk", flat=True))


def fire_batch(firing_ids, now):
    """Fire a batch in one transaction: judge each firing against its ticket as it is now,
    mark the ones that act `fired` and perform their effects. Returns (how many acted, ids
    left for a later batch): once a firing moves its ticket (reassigns it, raises its
    priority), the ticket is re-planned and its later firings wait for a batch that sees the
    new plan."""
    with transaction.atomic():
        ticket_ids = set(
            Firing.objects.filter(pk__in=firing_ids).values_list("ticket_id", flat=True)
        )
        # Tickets are locked before firings, the order an acknowledgement takes them, so the
        # two never deadlock; and an acknowledgement committed a moment ago is seen here.
        tickets = (
            Ticket.objects.select_for_update(of=("self",))
            .select_related("team", "requester", "assignee")
            .filter(pk__in=ticket_ids)
            .order_by("pk")
        )
        tickets = {ticket.pk: ticket for ticket in tickets}
        firings = list(
            Firing.objects.select_for_update()
            .filter(pk__in=firing_ids, state__in=[Firing.State.PENDING, Firing.State.CLAIMED])
            .order_by("due_at", "pk")
        )
        clocks_of = {c.ticket_id: c for c in TicketClock.objects.filter(ticket_id__in=ticket_ids)}
        judge = _Judge(tickets, clocks_of, firings, now)
        verdicts, later, moved = {}, [], set()
        for firing in firings:
            if firing.ticket_id in moved:
                later.append(firing.pk)
                continue
            state = judge(firing)
            verdicts.setdefault(state, []).append(firing)
            if state == Firing.State.FIRED and firing.changes_ticket:
                moved.add(firing.ticket_id)
        for state, rows in verdicts.items():
            if state != Firing.State.FIRED:
                Firing.objects.filter(pk__in=[f.pk for f in rows]).update(
                    state=state, **claims.RELEASED
                )
        to_fire = verdicts.get(Firing.State.FIRED, [])
        _mark_fired(to_fire, now)
        actions.perform_many(to_fire, tickets, now)
    return len(to_fire), later


def _mark_fired(firings, now):
    """Rows are locked (or the database is, on SQLite): no other worker can change them now."""
    late_ids = {f.pk for f in firings if now - f.due_at > LATE_AFTER}
    by = worker_name()
    for late in (True, False):
        ids = [f.pk for f in firings if (f.pk in late_ids) == late]
        if ids:
            Firing.objects.filter(pk__in=ids).update(
                state=Firing.State.FIRED,
                fired_at=now,
                late=late,
                fired_by=by,
                **claims.RELEASED,
            )
    for firing in firings:
        firing.state, firing.fired_at, firing.late = Firing.State.FIRED, now, firing.pk in late_ids
        firing.fired_by = by
    skip_overdue_repeats([f for f in firings if f.kind == Firing.Kind.LEVEL and f.late], now)


def worker_name():
    """ "host:pid" of this process, as its log lines give the pid: which worker fired a level."""
    return f"{socket.gethostname()}:{os.getpid()}"[:100]


class _Judge:
    """Judges a batch's firings: each firing against its own kind and level of its ticket's
    plan (`planner.plan_of`: the arithmetic of one level, not of every level), computed once per
    batch, and whether a repeat's level still waits to fire read for the whole batch in one
    query."""

    def __init__(self, tickets, clocks_of, firings, now):
        self.tickets, self.clocks_of, self.now = tickets, clocks_of, now
        self.plans = {}
        repeats = [f for f in firings if f.repeat]
        self.waiting = set()
        if repeats:
            self.waiting = set(
                Firing.objects.filter(
                    ticket_id__in={f.ticket_id for f in repeats},
                    repeat=0,
                    state__in=[Firing.State.PENDING, Firing.State.CLAIMED, Firing.State.HELD],
                ).values_list("ticket_id", "kind", "level", "anchor_at")
            )

    def wanted(self, firing):
        """The firings the plan wants now of `firing`'s ticket, kind and level, by key."""
        part = (firing.ticket_id, firing.kind, firing.level)
        if part not in self.plans:
            ticket, clock = self.tickets[firing.ticket_id], self.clocks_of[firing.ticket_id]
            plans = clock.planned_firings(ticket, kind=firing.kind, level=firing.level)
            self.plans[part] = {p.key: p for p in plans}
        return self.plans[part]

    def __call__(self, firing):
        """The state a claimed firing should move to: fired, back to pending, held, skipped,
        or cancelled, judged against the ticket as it is now."""
        now, ticket = self.now, self.tickets[firing.ticket_id]
        wanted = self.wanted(firing)
        plan = wanted.get(firing.key)
        if plan is None:
            return Firing.State.CANCELLED
        if firing.due_at > now or (plan.due_at > now and not rescheduled(firing)):
            return Firing.State.PENDING  # the deadline moved out while the firing was queued
        if firing.kind == Firing.Kind.LEVEL and ticket.status in HOLDING:
            return Firing.State.HELD
        if firing.repeat and self.superseded(firing, wanted):
            return Firing.State.SKIPPED  # after downtime only the latest overdue repeat is sent
        return Firing.State.FIRED

    def superseded(self, firing, wanted):
        """A repeat is dropped when a later repeat is also overdue, or when the level it
        repeats has not fired yet: after downtime the level fires once, late, without a burst
        of nags."""
        if any(
            p.level == firing.level
            and p.anchor_at == firing.anchor_at
            and p.repeat > firing.repeat
            and p.due_at <= self.now
            for p in wanted.values()
        ):
            return True
        return (firing.ticket_id, firing.kind, firing.level, firing.anchor_at) in self.waiting


def rescheduled(firing):
    """Was the level brought forward or held for a shift (escalation.fallthrough)? Then its
    own due time stands."""
    return bool((firing.outcome or {}).get("rescheduled"))


def skip_overdue_repeats(firings, now):
    """After late levels fire, their overdue repeats are dropped: no burst after downtime."""
    if not firings:
        return 0
    same_level = Q()
    for firing in firings:
        same_level |= Q(
            ticket_id=firing.ticket_id,
            kind=firing.kind,
            level=firing.level,
            anchor_at=firing.anchor_at,
            repeat__gt=firing.repeat,
        )
    return (
        Firing.objects.filter(same_level)
        .filter(due_at__lte=now, state__in=[Firing.State.PENDING, Firing.State.CLAIMED])
        .update(state=Firing.State.SKIPPED, **claims.RELEASED)
    )


def fire_many(firing_ids, now=None, batch=BATCH):
    """Fire in batches; a batch that fails is retried one firing at a time, so one bad firing
    holds back no other. A firing that still fails is retried when its claim expires."""
    fired = 0
    for start in range(0, len(firing_ids), batch):
        chunk = firing_ids[start : start + batch]
        try:
            acted, later = fire_batch(chunk, now or timezone.now())
            fired += acted + (fire_many(later, now, batch) if later else 0)
        except Exception:
            if len(chunk) == 1:
                log.exception("firing %s failed; retried after its claim expires", chunk[0])
                continue
            log.exception("a batch of %s firings failed; firing them one by one", len(chunk))
            fired += fire_many(chunk, now, batch=1)
    return fired
