"""The filters every report takes: a period of days, a team and a priority, checked as a form
(the API answers its errors field by field, the dashboard shows them beside the inputs)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from incidents.models import Team, priority_choices

DEFAULT_DAYS = 30
MAX_DAYS = 366
# The days a period may take: the instants of its ends (and a week's Monday before it) must
# exist in every time zone, so year 1 and year 9999 are out.
FIRST_DAY = date(1970, 1, 1)
LAST_DAY = date(9998, 12, 31)


@dataclass(frozen=True)
class Period:
    """[start, end) instants of the days chosen, read in the request's time zone (the
    signed-in reader's, helpdesk.zones; TIME_ZONE for a token's request);
    `teams`: the team ids to count (None: all), `priority`: one priority or None."""

    first_day: object
    last_day: object
    start: datetime
    end: datetime
    teams: frozenset | None
    priority: str | None

    def narrow(self, rows, ticket="", teams=True, drills=True):
        """`rows` (tickets, or rows reaching a ticket through the `ticket` path) of the teams
        and priority asked for, drills left out (docs/reports.md); `drills=False`: the path
        has no drill flag (a clock's copies), the caller leaves drills out itself."""
        prefix = f"{ticket}__" if ticket else ""
        if drills:
            rows = rows.filter(**{f"{prefix}drill": False})
        if teams and self.teams is not None:
            rows = rows.filter(**{f"{prefix}team_id__in": self.teams})
        if self.priority:
            rows = rows.filter(**{f"{prefix}priority": self.priority})
        return rows


class ReportFilters(forms.Form):
    # Named by the query string's keys: ?from=&to=&team=&priority=
    team = forms.ModelChoiceField(
        queryset=Team.objects.none(),
        required=False,
        empty_label=gettext_lazy("Every team"),
        label=gettext_lazy("Team"),
    )
    priority = forms.ChoiceField(
        choices=lambda: [("", gettext("Every priority")), *priority_choices()],
        required=False,
        label=gettext_lazy("Priority"),
    )

    def __init__(self, data, readable_teams=None, today=None):
        """`readable_teams`: the team ids the reader may see, None for all."""
        super().__init__(data)
        self.today = today or timezone.localdate()
        self.fields["from"] = forms.DateField(required=False, label=gettext_lazy("From"))
        self.fields["to"] = forms.DateField(required=False, label=gettext_lazy("To"))
        self.order_fields(["from", "to", "team", "priority"])
        teams = Team.objects.order_by("tier", "name")
        if readable_teams is not None:
            teams = teams.filter(pk__in=readable_teams)
        self.fields["team"].queryset = teams
        self.readable_teams = readable_teams

    def clean(self):
        data = super().clean()
        if "from" in self.errors or "to" in self.errors:
            return data
        last = data.get("to") or self.today
        if any(day and not FIRST_DAY <= day <= LAST_DAY for day in (data.get("from"), last)):
            self.add_error(
                "to",
                gettext("Choose a period between %(first)s and %(last)s.")
                % {"first": FIRST_DAY, "last": LAST_DAY},
            )
            return data
        first = data.get("from") or max(last - timedelta(days=DEFAULT_DAYS - 1), FIRST_DAY)
        if first > last:
            self.add_error("to", gettext("The end of the period comes before its start."))
        elif (last - first).days >= MAX_DAYS:
            self.add_error(
                "to", gettext("Choose a period of at most %(days)s days.") % {"days": MAX_DAYS}
            )
        data["from"], data["to"] = first, last
        return data

    def period(self):
        """The valid filters as a Period (call after is_valid())."""
        data = self.cleaned_data
        zone = timezone.get_current_timezone()
        first, last = data["from"], data["to"]
        team = data.get("team")
        teams = self.readable_teams
        if team is not None:
            teams = frozenset({team.pk})
        return Period(
            first_day=first,
            last_day=last,
            start=datetime.combine(first, time(), tzinfo=zone),
            end=datetime.combine(last + timedelta(days=1), time(), tzinfo=zone),
            teams=teams,
            priority=data.get("priority") or None,
        )
