"""The escalation engine: claims firings that are due and fires each exactly once.

Exactly once rests on two rows, not on the queue: the unique `Firing.key` (planning twice makes
one row) and the conditional update `pending|claimed → fired` made in the same transaction as
the firing's effects (two workers racing: one changes the row and goes on; the other changes
nothing and stops). At least once rests on the claim expiring: a claimed firing whose worker
died is handed out again by the sweep."""

import logging
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from incidents.models import Ticket

from . import actions, clocks
from .models import Firing, TicketClock

log = logging.getLogger(__name__)
LATE_AFTER = timedelta(seconds=getattr(settings, "ESCALATION_LATE_SECONDS", 30))


def claim_due(now=None, limit=500, lead=timedelta(0)):
    """Claim up to `limit` firings due by now (+lead): pending, or claimed by a worker whose
    claim expired. Returns the claimed ids; only this caller holds them."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    ready = Firing.objects.filter(due_at__lte=now + lead)
    candidates = list(
        (ready.filter(state=Firing.State.PENDING)
         | ready.filter(state=Firing.State.CLAIMED, claimed_until__lt=now))
        .order_by("due_at").values_list("pk", "state")[:limit]
    )
    if not candidates:
        return []
    until = now + timedelta(seconds=settings.ESCALATION_CLAIM_SECONDS)
    for state in {state for _, state in candidates}:
        ids = [pk for pk, s in candidates if s == state]
        stale = {"claimed_until__lt": now} if state == Firing.State.CLAIMED else {}
        Firing.objects.filter(pk__in=ids, state=state, **stale).update(
            state=Firing.State.CLAIMED, claimed_by=token, claimed_until=until
        )
    return list(Firing.objects.filter(claimed_by=token).values_list("pk", flat=True))


def fire(firing_id, now=None):
    """Fire one firing if it is still due and still wanted. Returns True when it acted."""
    now = now or timezone.now()
    with transaction.atomic():
        firing = Firing.objects.select_for_update().filter(pk=firing_id).first()
        if firing is None or firing.state not in (Firing.State.PENDING, Firing.State.CLAIMED):
            return False
        # Lock the ticket before judging: an acknowledgement committed a moment ago wins.
        ticket = Ticket.objects.select_for_update().get(pk=firing.ticket_id)
        clock = TicketClock.objects.get(ticket=ticket)
        verdict = _judge(firing, ticket, clock, now)
        if verdict != Firing.State.FIRED:
            Firing.objects.filter(pk=firing.pk, state=firing.state).update(
                state=verdict, claimed_by="", claimed_until=None)
            return False
        late = now - firing.due_at
        if not Firing.objects.filter(pk=firing.pk, state=firing.state).update(
            state=Firing.State.FIRED, fired_at=now, late=late > LATE_AFTER,
            lateness_ms=int(late.total_seconds() * 1000),
        ):
            return False
        firing.fired_at, firing.late = now, late > LATE_AFTER
        if firing.kind == Firing.Kind.LEVEL:
            skip_overdue_repeats(firing, now)
        actions.perform(firing, ticket, now)
    return True


def _judge(firing, ticket, clock, now):
    """The state a claimed firing should move to: fired, back to pending, held, skipped, or
    cancelled, judged against the ticket as it is now."""
    wanted = {p.key: p for p in clocks.desired_firings(clock, ticket)}
    plan = wanted.get(firing.key)
    if plan is None:
        return Firing.State.CANCELLED
    if plan.due_at > now or firing.due_at > now:
        return Firing.State.PENDING  # the deadline moved out while the firing was queued
    if firing.kind == Firing.Kind.LEVEL and ticket.status in clocks.HOLDING:
        return Firing.State.HELD
    if firing.repeat and _superseded(firing, wanted, now):
        return Firing.State.SKIPPED  # after downtime only the latest overdue repeat is sent
    return Firing.State.FIRED


def _superseded(firing, wanted, now):
    return any(
        p.level == firing.level and p.anchor_at == firing.anchor_at
        and p.repeat > firing.repeat and p.due_at <= now
        for p in wanted.values()
    )


def skip_overdue_repeats(firing, now):
    """After a late level fires, its overdue repeats are dropped: no burst after downtime."""
    return Firing.objects.filter(
        ticket_id=firing.ticket_id, kind=firing.kind, level=firing.level,
        anchor_at=firing.anchor_at, repeat__gt=firing.repeat, due_at__lte=now,
        state__in=[Firing.State.PENDING, Firing.State.CLAIMED],
    ).update(state=Firing.State.SKIPPED, claimed_by="", claimed_until=None)


def fire_many(firing_ids, now=None):
    """Fire each firing in its own transaction; one failure does not hold back the others."""
    fired = 0
    for firing_id in firing_ids:
        try:
            fired += fire(firing_id, now=now)
        except Exception:  # the claim expires and the sweep retries this one
            log.exception("firing %s failed; it will be retried after its claim expires", firing_id)
    return fired


def release_expired(now=None):
    """Firings whose claim expired (worker killed): claimable again by the next dequeue."""
    now = now or timezone.now()
    return Firing.objects.filter(state=Firing.State.CLAIMED, claimed_until__lt=now).update(
        state=Firing.State.PENDING, claimed_by="", claimed_until=None
    )


def next_due_at():
    row = Firing.objects.filter(state=Firing.State.PENDING).order_by("due_at").first()
    return row.due_at if row else None
