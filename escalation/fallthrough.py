"""A level that reaches nobody is never silent (SPEC "On-call, availability").

When every person a level names is away without a deputy, off shift, or simply absent (an
empty rotation, no assignee), the engine says so on the level's `escalated` event ("no one
available at level 2"), tells the team's leads and the supervisors instead (through the same
availability rule), and brings the policy's next level forward to now, so the broker hands it
out at once. Called by `actions.perform_many` inside the firing's transaction."""

from django.db.models import Q

from . import planner
from .models import Firing

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
                "brought_forward": now.isoformat(),
                "why": f"no one available at level {level}",
            },
        )
    return len(chosen)


def _display(user):
    return user.get_full_name() or user.get_username()
