"""Paging again: a party that has not acknowledged is paged at its severity's interval
(SEV1: every 5 minutes) until it acknowledges or the incident resolves; run every minute by
django-q2's scheduler (majors.tasks.tick), `now` passed in so tests need no clock."""

from django.db import transaction
from django.utils import timezone

from . import paging
from .models import Entry, Party


def repage_due(now=None):
    """Page again every party whose time came: claimed by a conditional update on its page
    count, so two workers never page the same party twice for the same round. Returns the
    number of parties paged."""
    now = now or timezone.now()
    done = 0
    for party in Party.objects.due(now).select_related("incident", "team", "contact"):
        interval = party.incident.rules.repage_every
        with transaction.atomic():
            claimed = Party.objects.filter(
                pk=party.pk, pages=party.pages, acknowledged_at__isnull=True
            ).update(pages=party.pages + 1, next_page_at=now + interval)
            if not claimed:
                continue
            if party.team_id:
                paging.choose([party], now)
                Party.objects.filter(pk=party.pk).update(paged=party.paged, skipped=party.skipped)
            paging.page(party.incident, [party], now)
            Entry.objects.create(
                incident=party.incident,
                kind=Entry.Kind.REPAGED,
                at=now,
                data={"party": party.name, "page": party.pages + 1, "paged": party.paged},
            )
        done += 1
    return done
