"""Who is on call: a team's final schedule per layer, read in two queries (public API).

`schedule(team_ids, start, end)` gives each (team, layer) its segments over a range, rotations
and overrides folded in (escalation/rotations.py); `on_call(team_ids, at)` is the instant's
holders. The engine's `on_call` targets, the API's `/api/teams/{id}/on-call/`, the desk and the
forecast all read these, so they agree.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from .models import OnCallOverride, Rotation
from .rotations import final, holder_at

__all__ = ["OnCall", "holder_at", "on_call", "on_call_now", "on_shift", "schedule"]

LAYERS = (1, 2)
ONE_US = timedelta(microseconds=1)
# How far `primary_until` looks for the end of the current holder's time.
UNTIL_HORIZON = timedelta(days=62)


@dataclass(frozen=True)
class OnCall:
    at: datetime
    primary: int | None
    secondary: int | None
    primary_until: datetime | None


def schedule(team_ids, start, end):
    """{(team id, layer): [Segment]} over [start, end) for every team and both layers."""
    team_ids = list(team_ids)
    rotations = Rotation.objects.filter(team_id__in=team_ids).prefetch_related("memberships")
    shifts = defaultdict(list)
    for rotation in rotations:
        members = [m.user_id for m in sorted(rotation.memberships.all(), key=_position)]
        shifts[(rotation.team_id, rotation.layer)] = rotation.cycle(members).shifts(start, end)
    overrides = defaultdict(list)
    rows = OnCallOverride.objects.filter(team_id__in=team_ids).meeting(start, end)
    for pk, team_id, layer, user_id, o_start, o_end in rows.values_list(
        "pk", "team_id", "layer", "user_id", "start", "end"
    ):
        overrides[(team_id, layer)].append((pk, user_id, o_start, o_end))
    return {
        (team_id, layer): final(shifts[(team_id, layer)], overrides[(team_id, layer)], start, end)
        for team_id in team_ids
        for layer in LAYERS
    }


def _position(member):
    return (member.position, member.pk)


def on_call(team_ids, at):
    """{team id: OnCall} at instant `at`."""
    plan = schedule(team_ids, at, at + UNTIL_HORIZON)
    answers = {}
    for team_id in team_ids:
        primary = holder_at(plan[(team_id, 1)], at)
        secondary = holder_at(plan[(team_id, 2)], at)
        answers[team_id] = OnCall(
            at,
            primary.user if primary else None,
            secondary.user if secondary else None,
            _until(plan[(team_id, 1)], primary),
        )
    return answers


def _until(segments, current):
    """When the current primary's time ends, across their shifts and overrides; None when no
    one holds it, or when they hold it past the horizon."""
    if current is None or current.user is None:
        return None
    end = current.end
    for segment in segments[segments.index(current) + 1 :]:
        if segment.user != current.user:
            return end
        end = segment.end
    return None


def holders(team_ids, instants):
    """{(team id, at): OnCall without `primary_until`} for every team at every instant, from
    one read of the schedule over the instants' span (the engine's batch, the forecast's
    hours)."""
    instants = sorted(set(instants))
    if not instants or not team_ids:
        return {}
    plan = schedule(sorted(set(team_ids)), instants[0], instants[-1] + ONE_US)
    answers = {}
    for team_id in set(team_ids):
        for at in instants:
            primary = holder_at(plan[(team_id, 1)], at)
            secondary = holder_at(plan[(team_id, 2)], at)
            answers[(team_id, at)] = OnCall(
                at,
                primary.user if primary else None,
                secondary.user if secondary else None,
                None,
            )
    return answers


def on_call_now(team_id, at):
    """The OnCall of one team at `at`."""
    return on_call([team_id], at)[team_id]


def on_shift(team_id, at):
    """The ids holding a layer of the team at `at`, or None when the team keeps no rotation
    (incidents.assignment: then every member is on shift)."""
    if not Rotation.objects.filter(team_id=team_id).exists():
        return None
    answer = on_call([team_id], at)[team_id]
    return {pk for pk in (answer.primary, answer.secondary) if pk is not None}
