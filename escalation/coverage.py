"""The supervisors' daily mail of coverage holes: for every team that keeps an on-call
rotation, the hours of the next 14 days when a level of its policies would reach nobody
(escalation.forecast), so a hole is fixed before a ticket falls into it."""

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.formats import date_format

from incidents.models import Team
from incidents.roles import SUPERVISORS
from notifications import outbox

from . import forecast


def holes_by_team(now):
    """[(team, [(LevelForecast, Span)])] for the teams with a rotation and at least one hole."""
    teams = Team.objects.filter(rotations__isnull=False).distinct().order_by("tier", "name")
    found = [(team, forecast.holes(team, now)) for team in teams]
    return [(team, holes) for team, holes in found if holes]


def mail_holes(now=None):
    """One mail to each supervisor when there is any hole; returns how many holes were told."""
    now = now or timezone.now()
    found = holes_by_team(now)
    if not found:
        return 0
    lines = []
    for team, holes in found:
        lines.append(f"{team.name}:")
        lines += [
            f"- {_when(span.start)}–{_when(span.end)}: level {row.level} of {row.policy} "
            "reaches nobody"
            for row, span in holes
        ]
        lines.append("")
    supervisors = get_user_model().objects.filter(groups__name=SUPERVISORS, is_active=True)
    count = sum(len(holes) for _team, holes in found)
    outbox.notify_text(
        "coverage_holes",
        list(supervisors),
        key=f"coverage-holes:{timezone.localdate(now).isoformat()}",
        subject=f"On-call coverage: {count} hole{'s' if count != 1 else ''} in the next 14 days",
        body="Who would answer, over the next 14 days, has holes:\n\n"
        + "\n".join(lines)
        + "\nEach team's forecast is on the desk under \u201cWho would answer\u201d.",
    )
    return count


def _when(moment):
    return date_format(timezone.localtime(moment), "D j M H:i")
