"""A level that reaches nobody is never silent (SPEC "On-call, availability").

When every person a level names is away without a deputy, off shift, or simply absent (an
empty rotation, no assignee), the engine says so on the level's `escalated` event ("no one
available at level 2"), tells the team's leads and the supervisors instead (through the same
availability rule), and brings the policy's next level forward to now, so the broker hands it
out at once.

A team that holds for the next shift (`Team.hold_for_next_shift`) instead has a level whose
on-call targets reach no one wait: its firing goes back to waiting, due when the next shift of a
layer it names starts, and a `level_held` event says so; then it fires like any level.

A rescheduled firing keeps its own time (`outcome.rescheduled`): the engine's judge and the
clocks' re-plan leave it be. Called by `actions.perform_many` inside the firing's transaction."""

from datetime import timedelta

from django.db.models import Q

from dbtools import claims
from incidents.models import TicketEvent

from . import oncall, planner
from .models import Firing

LAYER_OF = {"on_call": 1, "on_call_secondary": 2}
HOLD_HORIZON = timedelta(days=14)

FALLBACK_TARGETS = ("team_leads", "supervisors")


def names_people(firing):
    """Does the level name people at all (targets or users), not only contacts or a webhook?"""
    level = firing.actions or {}
    return firing.kind == "level" and bool(level.get("notify") or level.get("notify_users"))


def fall_through(firings, tickets, events, reached, now, reach_many):
    """Rewrite `reached` and `events` in place for the levels that reached nobody; returns
    those firings (their next levels are brought forward by `bring_forward`)."""
    empty = [
        i
        for i, (firing, people) in enumerate(zip(firings, reached, strict=True))
        if names_people(firing) and not people.users
    ]
    if not empty:
        return []
    asks = [(tickets[firings[i].ticket_id], FALLBACK_TARGETS, []) for i in empty]
    for i, fallback in zip(empty, reach_many(asks, now), strict=True):
        events[i].data["nobody"] = True
        events[i].data["told_instead"] = [_display(u) for u in fallback.users]
        reached[i].users = fallback.users
        reached[i].skipped = reached[i].skipped + fallback.skipped
    return [firings[i] for i in empty]


def bring_forward(firings, now):
    """The next level (repeat 0, still waiting) of each firing's policy is due now: one query
    to find them, one update."""
    if not firings:
        return 0
    wanted = Q()
    for firing in firings:
        wanted |= Q(ticket_id=firing.ticket_id, level__gt=firing.level)
    waiting = Firing.objects.filter(
        wanted, kind=Firing.Kind.LEVEL, repeat=0, state=Firing.State.PENDING, due_at__gt=now
    ).values_list("pk", "ticket_id", "level", "key")
    chosen = {}
    for firing in firings:
        policy = planner.policy_of(firing.key)
        later = [
            (level, pk)
            for pk, ticket_id, level, key in waiting
            if ticket_id == firing.ticket_id
            and level > firing.level
            and planner.policy_of(key) == policy
        ]
        if later:
            chosen[min(later)[1]] = firing.level
    for pk, level in chosen.items():
        Firing.objects.filter(pk=pk, state=Firing.State.PENDING).update(
            due_at=now,
            outcome={
                "rescheduled": now.isoformat(),
                "why": f"no one available at level {level}",
            },
        )
    return len(chosen)


def _display(user):
    return user.get_full_name() or user.get_username()


def hold(firings, tickets, now, reach_many):
    """Put back the levels a holding team's on-call targets would reach no one with, due at
    the next shift start; returns the firings that go on firing now."""
    candidates = [f for f in firings if _may_hold(f, tickets[f.ticket_id])]
    if not candidates:
        return firings
    asks = [
        (tickets[f.ticket_id], f.actions.get("notify", []), f.actions.get("notify_users", []))
        for f in candidates
    ]
    empty = [f for f, r in zip(candidates, reach_many(asks, now), strict=True) if not r.users]
    starts = _next_shift_starts(empty, tickets, now)
    held = [f for f in empty if starts.get(f.pk)]
    for firing in held:
        start = starts[firing.pk]
        Firing.objects.filter(pk=firing.pk).update(
            state=Firing.State.PENDING,
            fired_at=None,
            late=False,
            due_at=start,
            **claims.RELEASED,
            outcome={"rescheduled": start.isoformat(), "why": "held for the next shift"},
        )
    TicketEvent.objects.record_all(
        [
            TicketEvent(
                ticket=tickets[f.ticket_id],
                kind="level_held",
                at=now,
                data={
                    "firing": f.pk,
                    "level": f.level,
                    "repeat": f.repeat,
                    "until": starts[f.pk].isoformat(),
                    "why": f"no one available at level {f.level}: held for the next shift",
                },
            )
            for f in held
        ]
    )
    kept = {f.pk for f in held}
    return [f for f in firings if f.pk not in kept]


def _may_hold(firing, ticket):
    level = firing.actions or {}
    return (
        firing.kind == "level"
        and not firing.changes_ticket
        and bool(set(LAYER_OF) & set(level.get("notify", [])))
        and ticket.team_id is not None
        and ticket.team.hold_for_next_shift
    )


def _next_shift_starts(firings, tickets, now):
    """{firing id: when the next shift of a layer it names starts, with someone on it}."""
    if not firings:
        return {}
    team_ids = {tickets[f.ticket_id].team_id for f in firings}
    plan = oncall.schedule(sorted(team_ids), now, now + HOLD_HORIZON)
    starts = {}
    for firing in firings:
        team_id = tickets[firing.ticket_id].team_id
        layers = [LAYER_OF[t] for t in firing.actions.get("notify", []) if t in LAYER_OF]
        upcoming = [
            segment.start
            for layer in layers
            for segment in plan[(team_id, layer)]
            if segment.start > now and segment.user is not None
        ]
        if upcoming:
            starts[firing.pk] = min(upcoming)
    return starts
