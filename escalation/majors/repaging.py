"""Paging again: a party that has not acknowledged is paged at its severity's interval
(SEV1: every 5 minutes) until it acknowledges or the incident resolves.

A party's next page is a deadline like an escalation level's: the deadline brokers
(escalation/broker.py, which release what escalation/deadlines.py lists; this app registers
`claim_due` in its AppConfig.ready()) claim a due party within a tenth of a second of its
`next_page_at` and queue `tasks.repage` on the urgent list, so a page lands within about a
second of its due time. The minute tick calls `repage_due` as the safety net (a stock broker,
a worker of another machine that died holding a claim; one of this machine is seen dead by the
deadline loop within a second or two, dbtools.claims). Exactly once per party and round rests
on rows, not on the queue: the claim is a conditional update of `claimed_until`, and the
page a conditional update of the page count and due time made in the transaction that writes
the page's outbox rows (whose keys name the round), so two workers, two clusters or the tick
never send a round twice; an acknowledgement or the resolution clears `next_page_at`, so a
round claimed a moment before is dropped. `now` is passed in so tests need no clock."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from dbtools import claims
from notifications import tasks

from . import paging
from .models import Entry, Party


def unclaimed(now):
    """Q of the parties no live worker holds (dbtools.claims.free)."""
    dead = claims.watch.dead("party", lambda: claims.holders_of(Party.objects.due(now)))
    return claims.free(now, dead)


def claim_due(now=None, limit=200, token=None):
    """Claim the parties due a page by `now` (claims end after ESCALATION_CLAIM_SECONDS, or at
    once when their holder died); returns their ids, which only this caller holds, under
    `token` (a new one unless given)."""
    now = now or timezone.now()
    token = token or claims.new_token()
    free = unclaimed(now)
    due = list(
        Party.objects.due(now)
        .filter(free)
        .order_by("next_page_at")
        .values_list("pk", "next_page_at")[:limit]
    )
    until = now + timedelta(seconds=settings.ESCALATION_CLAIM_SECONDS)
    claimed = []
    for pk, due_at in due:  # one row each: a party is claimed by whoever changes its row
        won = (
            Party.objects.filter(pk=pk, next_page_at=due_at)
            .filter(free)
            .update(claimed_until=until, claimed_by=token, claimed_holder=claims.holder())
        )
        if won:
            claimed.append(pk)
    return claimed


def following(due_at, interval, now):
    """The next round after the one due at `due_at`: on the interval's grid from it, the first
    point after `now` (a round missed during downtime is not sent in a burst afterwards)."""
    after = due_at + interval
    if after <= now:
        after += interval * ((now - after) // interval + 1)
    return after


def repage(party_ids, now=None, deliver=False, token=None):
    """Page again each of these parties whose round is due: returns how many were paged.
    `deliver`: also send the new pages from this worker at once, after commit (the broker's
    task does, saving the hop through the queue; the queued delivery task and the outbox
    sweep still cover a worker that dies first, and the outbox's claim sends each once).
    `token`: the broker's claim, which this worker takes over (dbtools.claims.adopt): the
    parties claimed by another since are left to it."""
    now = now or timezone.now()
    done, written = 0, []
    parties = claims.adopt(Party.objects.filter(pk__in=party_ids), token)
    parties = parties.select_related("incident", "team", "contact")
    for party in parties.order_by("pk"):
        due_at = party.next_page_at
        if due_at is None or due_at > now or party.acknowledged_at or not party.incident.is_active:
            continue
        with transaction.atomic():
            taken = Party.objects.filter(
                pk=party.pk,
                pages=party.pages,
                next_page_at=due_at,
                acknowledged_at__isnull=True,
                incident__status=party.incident.Status.ACTIVE,
            ).update(
                pages=F("pages") + 1,
                next_page_at=following(due_at, party.incident.rules.repage_every, now),
                **claims.RELEASED,
            )
            if not taken:
                continue
            if party.team_id:
                paging.choose([party], now)
                Party.objects.filter(pk=party.pk).update(paged=party.paged, skipped=party.skipped)
            written += paging.page(party.incident, [party], now)
            Entry.objects.create(
                incident=party.incident,
                kind=Entry.Kind.REPAGED,
                at=now,
                data={
                    "party": party.name,
                    "page": party.pages + 1,
                    "paged": party.paged,
                    "due_at": due_at.isoformat(),
                },
            )
        done += 1
    if deliver and written:
        tasks.deliver(written)
    return done


def repage_due(now=None):
    """Claim and page every party due by `now` (the minute tick's safety net, and tests)."""
    now = now or timezone.now()
    return repage(claim_due(now), now)
