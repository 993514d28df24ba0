"""Each person's quarter-hours of work on each ticket (models.WorkSlot), the agents report's
narrow source (docs/reports.md), kept by the keep_clocks reaction in the change's transaction.

A change that is someone's work, or a reopening, rewrites its ticket's slots from the quarter-hour
of its earliest event on, from the ticket's events since then: events may be written at past
instants, so a slot can fall between two kept ones (its successor's `previous_slot` moves),
and a reopening undoes resolutions made long before (the slots before the rewritten ones count
theirs reopened in one UPDATE). A change made now reads the events of the last quarter-hour,
not all of them: a ticket's thousands of events (a long major incident) cost each change nothing
more."""

from datetime import UTC, datetime, timedelta

from django.db.models import F, Max, OuterRef, Q, Subquery

from dbtools import rows
from incidents.models import TicketEvent

from .models import TicketClock, WorkSlot

SLOT = timedelta(minutes=15)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# What a person does to a ticket; created, breached, notified and rated are not their work.
WORK = frozenset(
    {
        "replied",
        "note_added",
        "acknowledged",
        "status_changed",
        "assigned",
        "team_changed",
        "priority_changed",
        "escalated",
    }
)
# Changes that may freeze the ticket's clock on another calendar, so its time to acknowledge
# (copied on the slots) may change without anyone's work.
REFREEZES = frozenset({"team_changed", "priority_changed"})


# A slot's columns, as `slots` writes them (the bench loader and the tests read them so).
COLUMNS = [f.attname for f in WorkSlot._meta.concrete_fields if not f.primary_key]


def slot_of(at):
    """The quarter-hour `at` falls in, counted from 1970-01-01 00:00 UTC."""
    return (at - EPOCH) // SLOT


def is_resolution(kind, after):
    return kind == "status_changed" and after.get("status") == "resolved"


def is_reopening(kind, data):
    return kind == "status_changed" and data.get("reopened") is True


def slots(ticket_id, events, acknowledged=(None, None), previous=None):
    """The WorkSlot rows (dicts) of one ticket from its events [(kind, actor id, at, after,
    data)], any order: per person and quarter-hour of their work, the acknowledgements, the
    resolutions, those of them a later reopening (by anyone) undid, and the person's slot
    before; `acknowledged`: the ticket's time to acknowledge (business, wall seconds);
    `previous`: {person: their last slot before these events'} when they are not all."""
    events = list(events)
    reopenings = [at for kind, _actor, at, _after, data in events if is_reopening(kind, data)]
    last_reopening = max(reopenings, default=None)
    found = {}
    for kind, actor, at, after, _data in events:
        if actor is None or kind not in WORK:
            continue
        row = found.setdefault((actor, slot_of(at)), [0, 0, 0])
        row[0] += kind == "acknowledged"
        if is_resolution(kind, after):
            row[1] += 1
            row[2] += last_reopening is not None and at < last_reopening
    kept, previous = [], dict(previous or {})
    for (actor, slot), (acks, resolutions, reopened) in sorted(found.items(), key=_by_slot):
        kept.append(
            {
                "ticket_id": ticket_id,
                "agent_id": actor,
                "slot": slot,
                "previous_slot": previous.get(actor),
                "acknowledgements": acks,
                "resolutions": resolutions,
                "reopened": reopened,
                "acknowledge_seconds": acknowledged[0] if acks else None,
                "acknowledge_wall_seconds": acknowledged[1] if acks else None,
            }
        )
        previous[actor] = slot
    return kept


def _by_slot(item):
    (actor, slot), _counts = item
    return slot, actor


def keep(events):
    """Rewrite the slots of the tickets whose events are someone's work or a reopening, from the
    quarter-hour of the earliest such event on; copy the time to acknowledge again where a move
    may have changed the ticket's calendar. Runs after the clocks are kept (it reads their times
    to acknowledge)."""
    since, refollow = {}, set()
    for event in events:
        if (event.actor_id is not None and event.kind in WORK) or is_reopening(
            event.kind, event.data
        ):
            slot = slot_of(event.at)
            since[event.ticket_id] = min(since.get(event.ticket_id, slot), slot)
        if event.kind in REFREEZES:
            refollow.add(event.ticket_id)
    if since:
        _rewrite(since)
    if refollow:
        clock = TicketClock.objects.filter(ticket_id=OuterRef("ticket_id"))
        WorkSlot.objects.filter(ticket_id__in=refollow, acknowledgements__gt=0).update(
            acknowledge_seconds=Subquery(clock.values("acknowledge_seconds")[:1]),
            acknowledge_wall_seconds=Subquery(clock.values("acknowledge_wall_seconds")[:1]),
        )


def _rewrite(since):
    """Rewrite the slots of each ticket of `since` ({ticket id: first slot}) from that slot on:
    read the work since it began and each person's last slot before it, delete the slots from
    it on, insert them again (a fifth statement reads the clocks when someone acknowledged, a
    sixth counts earlier resolutions reopened when a reopening is among the work read)."""
    found = TicketEvent.objects.filter(_each(since, "at__gte", lambda s: EPOCH + s * SLOT))
    by_ticket = {}
    for ticket_id, *event in (
        found.filter(kind__in=WORK)
        .order_by()
        .values_list("ticket_id", "kind", "actor_id", "at", "after", "data")
    ):
        by_ticket.setdefault(ticket_id, []).append(event)
    earlier = WorkSlot.objects.filter(_each(since, "slot__lt"))
    previous = {}
    for ticket_id, agent_id, last in (
        earlier.values("ticket_id", "agent_id")
        .annotate(last=Max("slot"))
        .order_by()
        .values_list("ticket_id", "agent_id", "last")
    ):
        previous.setdefault(ticket_id, {})[agent_id] = last
    acknowledged = {}
    if any(kind == "acknowledged" for e in by_ticket.values() for kind, *_ in e):
        clocks = TicketClock.objects.filter(ticket_id__in=by_ticket)
        for ticket_id, *times in clocks.values_list(
            "ticket_id", "acknowledge_seconds", "acknowledge_wall_seconds"
        ):
            acknowledged[ticket_id] = tuple(times)
    WorkSlot.objects.filter(_each(since, "slot__gte")).delete()
    new = []
    for ticket_id, of_ticket in by_ticket.items():
        ack = acknowledged.get(ticket_id, (None, None))
        new += slots(ticket_id, of_ticket, ack, previous.get(ticket_id))
    rows.insert(WorkSlot, new)
    # A reopening undoes every resolution before it: all of those in the slots not rewritten.
    reopened = {
        ticket_id: since[ticket_id]
        for ticket_id, of_ticket in by_ticket.items()
        if any(is_reopening(kind, data) for kind, _actor, _at, _after, data in of_ticket)
    }
    if reopened:
        earlier = WorkSlot.objects.filter(_each(reopened, "slot__lt"))
        earlier.filter(reopened__lt=F("resolutions")).update(reopened=F("resolutions"))


def _each(since, lookup, value=lambda slot: slot):
    """Rows of each ticket of `since` whose `lookup` holds against its first slot (or
    `value` of it)."""
    condition = Q()
    for ticket_id, slot in since.items():
        condition |= Q(ticket_id=ticket_id, **{lookup: value(slot)})
    return condition
