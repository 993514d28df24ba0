"""The forecast page: for a team, who each level of its policies would reach, hour by hour over
the next 14 days, with the holes in red; printable as the team's escalation plan."""

from django.shortcuts import render
from django.utils import timezone

from escalation import forecast as forecasting
from incidents.models import Team

from .views import agent_required


@agent_required
def forecast(request):
    teams = list(Team.objects.order_by("tier", "name"))
    chosen = request.GET.get("team", "")
    team = next((t for t in teams if str(t.pk) == chosen), None)
    if team is None:
        mine = set(request.user.teams.values_list("pk", flat=True))
        team = next((t for t in teams if t.pk in mine), teams[0] if teams else None)
    now = timezone.now()
    rows = forecasting.forecast(team, now) if team else []
    context = {
        "teams": teams,
        "team": team,
        "rows": rows,
        "holes": [(row, span) for row in rows for span in row.holes],
        "start": forecasting.hours_from(now)[0],
        "days": forecasting.DAYS,
    }
    return render(request, "desk/forecast.html", context)
