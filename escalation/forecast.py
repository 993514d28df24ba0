"""A forecast of who would answer: for a team and each level of the policies that apply to it,
hour by hour over the next 14 days, who a level firing at that hour would reach — rotations,
overrides, out of office and deputies folded in — and the holes where it reaches no one.

It asks `actions.reach_many`, the function the engine fires with, for every (level, hour), so
the two agree by construction (tests/escalation/oncall/test_forecast_properties.py holds them to
it); one read of the schedule, one of the absences and one of the users for the whole grid."""

from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace

from django.db.models import Q
from django.utils.translation import gettext, gettext_lazy

from .actions import reach_many
from .fallthrough import names_people
from .ladder import describe
from .models import EscalationPolicy

HOUR = timedelta(hours=1)
TARGET_LABELS = {
    "assignee": gettext_lazy("the assignee"),
    "team": gettext_lazy("the whole team"),
    "team_leads": gettext_lazy("the team leads"),
    "supervisors": gettext_lazy("the supervisors"),
    "on_call": gettext_lazy("on call (primary)"),
    "on_call_secondary": gettext_lazy("on call (secondary)"),
}
DAYS = 14


@dataclass
class Span:
    start: object
    end: object
    people: tuple  # names, in order
    hole: bool


@dataclass
class LevelForecast:
    policy: str
    level: int
    title: str
    targets: str
    spans: list = field(default_factory=list)

    @property
    def holes(self):
        return [s for s in self.spans if s.hole]


def hours_from(start, days=DAYS):
    first = start.replace(minute=0, second=0, microsecond=0)
    return [first + i * HOUR for i in range(days * 24)]


def policies_for(team):
    return list(
        EscalationPolicy.objects.filter(is_active=True)
        .filter(Q(teams=team) | Q(teams__isnull=True))
        .distinct()
        .order_by("name")
    )


def forecast(team, start, days=DAYS):
    """[LevelForecast] for every level of every active policy that applies to `team`."""
    instants = hours_from(start, days)
    levels = [
        (policy, level)
        for policy in policies_for(team)
        for level in policy.snapshot()["levels"]
        if names_people(SimpleNamespace(kind="level", actions=level))
    ]
    asks = [
        (_receiving(team, level), level["notify"], level["notify_users"], at)
        for _policy, level in levels
        for at in instants
    ]
    reached = reach_many(asks, instants[0]) if asks else []
    result, n = [], len(instants)
    for i, (policy, level) in enumerate(levels):
        row = LevelForecast(
            policy.name,
            level["order"],
            describe("level", level["order"], 0, level),
            ", ".join(
                [str(TARGET_LABELS.get(t, t)) for t in level["notify"]]
                + ([gettext("named people")] if level["notify_users"] else [])
            ),
        )
        for at, people in zip(instants, reached[i * n : (i + 1) * n], strict=True):
            names = tuple(u.get_full_name() or u.get_username() for u in people.users)
            last = row.spans[-1] if row.spans else None
            if last and last.people == names:
                last.end = at + HOUR
            else:
                row.spans.append(Span(at, at + HOUR, names, not names))
        result.append(row)
    return result


def _receiving(team, level):
    """The ticket a level would act on: after a reassignment its team targets mean the
    receiving team (as the engine reads them); a hypothetical one, without an assignee."""
    moves = level.get("reassign_to") and level.get("offset_seconds", 0) >= 0
    team_id = level["reassign_to"] if moves else team.pk
    return SimpleNamespace(pk=None, team_id=team_id, assignee_id=None)


def holes(team, start, days=DAYS):
    """Every hole of the team's forecast, as (LevelForecast, Span)."""
    return [(row, span) for row in forecast(team, start, days) for span in row.holes]
