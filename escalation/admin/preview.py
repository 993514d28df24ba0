"""Admin page previewing an escalation policy's timeline (SPEC: "preview a policy before saving").

A supervisor describes a ticket — an existing one by reference, or a hypothetical priority, team
and creation time — and sees its due times and every firing the policy would plan for it. The
answer comes from `preview.preview_policy`, the same planner the engine uses; this module only
parses the form and turns ids into names (one query per kind of name, never one per row).
"""

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone

from incidents.models import Team, Ticket
from incidents.models.tickets import Priority

from ..models import EscalationLevel, TicketClock
from ..models.terms import draft_chosen, frozen_terms
from ..preview import default_ticket, preview_policy
from .display import duration

TEMPLATE = "admin/escalation/escalationpolicy/preview.html"
# Business-time arithmetic far from today is meaningless and can overflow datetime.
HORIZON = timedelta(days=3650)
ANCHOR_LABELS = dict(EscalationLevel.Anchor.choices)
PRIORITY_LABELS = dict(Priority.choices)
MOMENT = "%a %Y-%m-%d %H:%M:%S %Z"


def _server_zone():
    return ZoneInfo(settings.TIME_ZONE)


class LocalDateTimeField(forms.DateTimeField):
    """A datetime-local input read in settings.TIME_ZONE, whatever zone is active for the request.

    A wall time that does not exist or happens twice (a DST change) is a field error."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value):
        with timezone.override(_server_zone()):
            return super().to_python(value)

    def prepare_value(self, value):
        with timezone.override(_server_zone()):
            return super().prepare_value(value)


class PreviewForm(forms.Form):
    """An existing ticket by reference, or a hypothetical ticket's priority, team and creation."""

    ticket = forms.CharField(
        required=False,
        max_length=20,
        label="Existing ticket",
        help_text="A reference such as HD-12. When given, that ticket's own priority, team, "
        "creation time and state are used instead of the fields below.",
    )
    priority = forms.ChoiceField(choices=Priority.choices, required=False)
    team = forms.ModelChoiceField(
        Team.objects.order_by("tier", "name"), required=False, empty_label="No team"
    )
    created_at = LocalDateTimeField(required=False, label="Created at")

    def __init__(self, *args, user, now, defaults, **kwargs):
        """`defaults`: (team, priority) of a real ticket under the policy (default_ticket)."""
        super().__init__(*args, **kwargs)
        self.user, self.now = user, now
        self.default_team, self.default_priority = defaults
        self.fields["priority"].initial = self.default_priority
        if self.default_team is not None:
            self.fields["team"].initial = self.default_team.pk
            self.fields["team"].empty_label = f"Default ({self.default_team.name})"
        self.fields["created_at"].initial = default_created_at(now)
        self.fields[
            "created_at"
        ].help_text = f"Local time in {settings.TIME_ZONE}. Empty means now."

    def clean_ticket(self):
        reference = self.cleaned_data["ticket"].strip().upper()
        if not reference:
            return None
        if reference.isdigit():
            reference = f"HD-{reference}"
        ticket = (
            Ticket.objects.visible_to(self.user)
            .select_related("team")
            .filter(reference=reference)
            .first()
        )
        if ticket is None:
            raise ValidationError(f"There is no ticket {reference}.", code="unknown")
        return ticket

    def clean_created_at(self):
        value = self.cleaned_data["created_at"]
        if value is not None and abs(value - self.now) > HORIZON:
            raise ValidationError("Choose a time within ten years of now.", code="horizon")
        return value

    def preview_arguments(self):
        """Keyword arguments for `preview_policy` from the cleaned data."""
        data = self.cleaned_data
        if data["ticket"] is not None:
            return {"ticket": data["ticket"]}
        return {
            "priority": data["priority"] or self.default_priority,
            "team": data["team"] or self.default_team,
            "created_at": data["created_at"] or self.now,
        }


def default_created_at(now):
    """Now, to the minute the datetime-local input shows, so the page and the form agree."""
    return now.replace(second=0, microsecond=0)


def preview_view(model_admin):
    """The preview page for `model_admin`'s policies; wrap it in `admin_site.admin_view`."""

    def view(request, object_id):
        if not model_admin.has_view_permission(request):
            raise PermissionDenied
        policy = model_admin.get_object(request, unquote(object_id))
        if policy is None:
            raise Http404("No such escalation policy.")
        if not model_admin.has_view_permission(request, policy):
            raise PermissionDenied
        # One query each, however many levels: snapshot() reads levels and their users.
        prefetch_related_objects([policy], "levels__notify_users")
        now = timezone.now()
        defaults = default_ticket([t.pk for t in policy.teams.all()], policy.priorities)
        form, arguments = _read_form(request, now, defaults)
        context = {
            **model_admin.admin_site.each_context(request),
            "title": f"Preview timeline: {policy}",
            "subtitle": None,
            "opts": model_admin.model._meta,
            "original": policy,
            "form": form,
            "has_view_permission": True,
        }
        if arguments is not None:
            context.update(timeline(policy.snapshot(), arguments, now, applies_to=policy))
        request.current_app = model_admin.admin_site.name
        return TemplateResponse(request, TEMPLATE, context)

    return view


def _read_form(request, now, defaults):
    """(form, preview arguments or None when the form has errors); no input means defaults."""
    params = request.POST if request.method == "POST" else request.GET
    if not any(name in params for name in PreviewForm.base_fields):
        form = PreviewForm(user=request.user, now=now, defaults=defaults)
        team, priority = defaults
        return form, {"priority": priority, "team": team, "created_at": default_created_at(now)}
    form = PreviewForm(params, user=request.user, now=now, defaults=defaults)
    return form, form.preview_arguments() if form.is_valid() else None


def timeline(snapshot, arguments, now, applies_to):
    """Template context: the preview's due times and firing rows, with names and both zones.

    `snapshot`: the policy's frozen form (saved or draft); `applies_to`: an object with
    `is_active` and `applies_to(team_id, priority)` saying whether the ticket would get it."""
    result = preview_policy(snapshot, now=now, **arguments)
    ticket = arguments.get("ticket")
    zone, calendar_name = _calendar_zone(ticket, ticket.team if ticket else arguments["team"])
    firings = result["firings"]
    names = _user_names({pk for firing in firings for pk in firing["notify"]})
    teams = Team.objects.in_bulk({f["reassign_to"] for f in firings if f["reassign_to"]})
    levels = {level["order"]: level for level in snapshot["levels"]}
    priority = ticket.priority if ticket else arguments["priority"]
    team = ticket.team if ticket else arguments["team"]
    return {
        "ticket": ticket,
        "subject": _subject(ticket, arguments, priority, team, zone),
        "is_active": applies_to.is_active,
        "applies": applies_to.is_active
        and draft_chosen(_scope(applies_to, arguments), team.pk if team else None, priority),
        "calendar_name": calendar_name,
        "zone": str(zone),
        "response_due": _moments(result["response_due_at"], zone),
        "resolution_due": _moments(result["resolution_due_at"], zone),
        "rows": [_row(firing, levels, snapshot, zone, names, teams, now) for firing in firings],
    }


def _scope(policy, arguments):
    """(team ids, priorities, saved id, is active) of the previewed policy: the draft's, else the
    saved policy's, for `draft_chosen`, the engine's own choice of policy (a more specific
    policy wins over one that merely covers the ticket)."""
    if arguments.get("scope") is not None:
        return arguments["scope"]
    return ([t.pk for t in policy.teams.all()], policy.priorities, policy.pk, policy.is_active)


def _calendar_zone(ticket, team):
    """(zone, calendar name) the ticket's clocks run in: its frozen calendar, else its SLA's."""
    clock = TicketClock.objects.filter(ticket=ticket).only("calendar").first() if ticket else None
    if clock is not None:
        snapshot = clock.calendar
    else:
        # What a new ticket of the team would freeze (the calendar does not hang on priority).
        snapshot = frozen_terms(team.pk if team else None, None)["calendar"]
    if not snapshot:
        return _server_zone(), "24×7 (no business calendar)"
    return ZoneInfo(snapshot["timezone"]), snapshot.get("name") or snapshot["timezone"]


def _user_names(ids):
    """Display names by user id, in one query."""
    if not ids:
        return {}
    users = get_user_model().objects.in_bulk(ids)
    return {pk: user.get_full_name() or user.get_username() for pk, user in users.items()}


def _moments(moment, zone):
    """A due time as text in the calendar's zone and in UTC, or None when there is no target."""
    if moment is None:
        return None
    return {
        "local": moment.astimezone(zone).strftime(MOMENT),
        "utc": moment.astimezone(UTC).strftime(MOMENT),
    }


def _subject(ticket, arguments, priority, team, zone):
    """One line saying which ticket the timeline is for."""
    team_name = team.name if team else "no team"
    if ticket is None:
        created = arguments["created_at"].astimezone(zone).strftime(MOMENT)
        return f"A new {priority} ticket for {team_name}, created {created}"
    created = ticket.created_at.astimezone(zone).strftime(MOMENT)
    return (
        f"{ticket.reference} “{ticket.subject}”: {priority}, {team_name}, "
        f"{ticket.get_status_display().lower()}, created {created}"
    )


def _row(firing, levels, snapshot, zone, names, teams, now):
    level = levels.get(firing["level"])
    if firing["repeat"]:
        interval = snapshot["repeat_interval_seconds"]
        offset = f"+{duration(firing['repeat'] * interval)} after level"
    else:
        offset = _signed(level["offset_seconds"]) if level else ""
    team = teams.get(firing["reassign_to"])
    return {
        "key": (firing["level"], firing["repeat"]),
        "level": firing["level"],
        "repeat": firing["repeat"],
        "anchor": ANCHOR_LABELS.get(firing["anchor"], firing["anchor"]),
        "offset": offset,
        "due": _moments(firing["due_at"], zone),
        "past": firing["due_at"] <= now,
        "warning": firing["warning"],
        "notify": sorted((names[pk] for pk in firing["notify"] if pk in names), key=str.casefold),
        "reassign_to": team.name if team else None,
        "set_priority": PRIORITY_LABELS.get(firing["set_priority"]),
    }


def _signed(seconds):
    return duration(seconds) if seconds < 0 else f"+{duration(seconds)}"
