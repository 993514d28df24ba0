"""A ticket's escalation ladder as people read it: what fired, what was set aside and why, and
what is still to come (the workspace's side panel and its drawn timeline).

Read from the firing rows the engine works from, not re-planned beside them: an entry to come is
a row that will fire, an entry that fired is a row that did, and one passed over, cancelled or
skipped says why (SPEC "Moves keep the ladder honest")."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext, gettext_lazy, pgettext_lazy

from incidents.models import Team
from notifications.models import Notification

from . import planner
from .durations import short_duration
from .models import EscalationPolicy, Firing
from .preview import reach_of

ANCHORS = {
    "created": pgettext_lazy("a level's anchor", "creation"),
    "response_due": pgettext_lazy("a level's anchor", "the first-response deadline"),
    "resolution_due": pgettext_lazy("a level's anchor", "the resolution deadline"),
}
TO_COME = (Firing.State.PENDING, Firing.State.CLAIMED, Firing.State.HELD)
# The step's `when`, by the row's state (fired rows say "on time" or "late").
SET_ASIDE = {
    Firing.State.PASSED: "passed over",
    Firing.State.CANCELLED: "cancelled",
    Firing.State.SKIPPED: "skipped",
}


@dataclass
class Step:
    at: datetime
    title: str
    # "on time" or "late" (fired); "passed over", "cancelled" or "skipped" (set aside, `why`
    # says why); "upcoming", "due now" or "held" (to come).
    when: str
    notified: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    clock: str = ""  # "response", "resolution" or "created": the bar the drawn timeline puts it on
    why: str = ""
    why_at: datetime | None = None
    key: str = ""  # the firing's
    policy: str | None = None  # the id of the policy a level comes from
    skipped: list = field(default_factory=list)  # "Ana is away: Ben told instead", …

    @property
    def fired(self):
        return self.when in ("on time", "late")

    @property
    def set_aside(self):
        return self.when in SET_ASIDE.values()


@dataclass
class Ladder:
    past: list  # fired, oldest first
    set_aside: list  # levels passed over, cancelled or skipped, by due time
    upcoming: list  # to come, by due time

    @property
    def history(self):
        """What fired and what was set aside, in one list by time."""
        return sorted([*self.past, *self.set_aside], key=lambda step: step.at)


def ladder(ticket, now):
    """The ticket's ladder at `now`, in a fixed number of queries."""
    firings = list(Firing.objects.filter(ticket=ticket).order_by("due_at", "pk"))
    fired = [f for f in firings if f.state == Firing.State.FIRED]
    told = Notification.objects.told_by_cause([f"firing:{f.pk}" for f in fired])
    team_ids = {(f.actions or {}).get("reassign_to") for f in firings} - {None}
    teams = Team.objects.in_bulk(team_ids) if team_ids else {}
    named = _policy_names(firings)
    to_come = [f for f in firings if f.state in TO_COME]
    reached = reach_of(to_come, ticket, now) if to_come else []
    skipped = _skipped_when_fired(ticket) if fired else {}
    past = [
        _step(f, teams, "late" if f.late else "on time", told.get(f"firing:{f.pk}", []))
        for f in sorted(fired, key=lambda f: (f.fired_at or f.due_at, f.pk))
    ]
    for step, firing in zip(
        past, sorted(fired, key=lambda f: (f.fired_at or f.due_at, f.pk)), strict=True
    ):
        step.skipped = skip_lines(skipped.get(firing.pk, {}))
    # A breach set aside is one that did not happen: nothing to tell.
    aside = [_aside(f, teams) for f in firings if f.state in SET_ASIDE and f.kind == "level"]
    upcoming = [
        _step(f, teams, _to_come(f, now), [_name(u) for u in people.users])
        for f, people in zip(to_come, reached, strict=True)
    ]
    for step, people in zip(upcoming, reached, strict=True):
        step.skipped = skip_lines({"skipped": people.skipped})
    for step in [*past, *aside, *upcoming]:
        if step.policy in named:
            step.title = f"{named[step.policy]}: {step.title}"
    return Ladder(past, aside, upcoming)


def _skipped_when_fired(ticket):
    """{firing id: its escalated event's data} for the levels that skipped someone away or
    reached no one (escalation.actions.reach_many, escalation.fallthrough)."""
    events = ticket.events.filter(kind="escalated").filter(
        Q(data__has_key="skipped") | Q(data__has_key="nobody")
    )
    return {data.get("firing"): data for data in events.values_list("data", flat=True)}


def skip_lines(data):
    """One sentence per person skipped for being away, and one when no one was available."""
    lines = [
        f"{s['name']} is away: {s['told_instead_name']} told instead"
        if s.get("told_instead")
        else f"{s['name']} is away, no deputy: skipped"
        for s in data.get("skipped", [])
    ]
    if data.get("nobody"):
        lines.append(
            f"No one available at level {data.get('level')}: the leads and supervisors were "
            "told, and the next level fired at once"
        )
    return lines


def _policy_names(firings):
    """{policy id: name} when the ticket's levels come from more than one policy (it moved
    between teams), so each entry can say whose ladder it is on; {} otherwise."""
    ids = {planner.policy_of(f.key) for f in firings if f.kind == Firing.Kind.LEVEL} - {None}
    if len(ids) < 2:
        return {}
    numeric = [int(pk) for pk in ids if pk.isdigit()]
    names = EscalationPolicy.objects.filter(pk__in=numeric).values_list("pk", "name")
    return {str(pk): name for pk, name in names}


def _to_come(firing, now):
    if firing.state == Firing.State.HELD:
        return "held"
    return "due now" if firing.due_at <= now else "upcoming"


def _step(firing, teams, when, notified):
    at = firing.fired_at if firing.state == Firing.State.FIRED and firing.fired_at else None
    return Step(
        at=at or firing.due_at,
        title=describe(firing.kind, firing.level, firing.repeat, firing.actions),
        when=when,
        notified=notified,
        changes=changes(firing.changes_ticket, firing.actions or {}, teams),
        clock=clock_of(firing.kind, firing.anchor),
        key=firing.key,
        policy=planner.policy_of(firing.key),
    )


def _aside(firing, teams):
    step = _step(firing, teams, SET_ASIDE[firing.state], [])
    outcome = firing.outcome or {}
    step.why = outcome.get("why") or (
        gettext("a later repeat was sent instead") if firing.state == Firing.State.SKIPPED else ""
    )
    step.why_at = parse_datetime(outcome["at"]) if outcome.get("at") else None
    return step


def describe(kind, level, repeat, actions):
    """A step's title in the reader's language ("Level 2 warning, 15m before the resolution
    deadline")."""
    if kind == "response_breach":
        return gettext("First-response SLA breached")
    if kind == "resolution_breach":
        return gettext("Resolution SLA breached")
    offset = (actions or {}).get("offset_seconds", 0)
    anchor = ANCHORS.get((actions or {}).get("anchor")) or gettext_lazy("its anchor")
    words = {"level": level, "duration": short_duration(offset), "anchor": anchor}
    if offset < 0:
        title = gettext("Level %(level)s warning, %(duration)s before %(anchor)s") % words
    elif offset > 0:
        title = gettext("Level %(level)s, %(duration)s after %(anchor)s") % words
    else:
        title = gettext("Level %(level)s, at %(anchor)s") % words
    if repeat:
        return gettext("%(title)s (repeat %(repeat)s)") % {"title": title, "repeat": repeat}
    return title


def changes(changes_ticket, actions, teams):
    if not changes_ticket:
        return []
    out = []
    if actions.get("reassign_to"):
        team = teams.get(actions["reassign_to"])
        out.append(f"Moves to {team.name} (tier {team.tier})" if team else "Moves to another team")
    if actions.get("set_priority"):
        out.append(f"Raises priority to {actions['set_priority']}")
    return out


def clock_of(kind, anchor):
    if kind == "response_breach" or anchor == "response_due":
        return "response"
    if kind == "resolution_breach" or anchor == "resolution_due":
        return "resolution"
    return "created"


def _name(user):
    return user.get_full_name() or user.get_username()
