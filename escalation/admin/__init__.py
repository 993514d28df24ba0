"""Admin for SLA and escalation configuration, plus read-only views of clocks and firings."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Count
from django.urls import path, reverse

from incidents import roles
from incidents.models import Team
from incidents.models.tickets import Priority
from notifications import webhooks
from notifications.forms import WriteOnlySecretField, kept_secret

from ..guards import check_policy, draft_of
from ..models import (
    BusinessCalendar,
    EscalationLevel,
    EscalationPolicy,
    Firing,
    Holiday,
    OpeningHours,
    Replay,
    SLAPolicy,
    SLATarget,
    TicketClock,
)
from ..models.calendars import never_opens_reason
from ..models.policies import MAX_OFFSET_SECONDS, NOTIFY_TARGETS
from ..models.sla import MAX_TARGET_SECONDS
from .display import (
    HumanDurationField,
    JSONChoicesField,
    LabelledInlineFormSet,
    ZoneField,
    duration,
)
from .history import ConfigHistoryAdmin
from .ics_import import import_holidays_view
from .live_preview import live_preview_view
from .preview import preview_view
from .replays import replay_urls
from .sla_preview import sla_preview_view

NOTIFY_LABELS = {
    "team": "Whole team",
    "team_leads": "Team leads",
    "on_call": "On call (primary)",
    "on_call_secondary": "On call (secondary)",
}
NOTIFY_CHOICES = [(t, NOTIFY_LABELS.get(t, t.capitalize())) for t in NOTIFY_TARGETS]


class CalendarForm(forms.ModelForm):
    timezone = ZoneField(help_text="IANA time zone the opening hours are in.")

    class Meta:
        model = BusinessCalendar
        fields = ["name", "timezone"]


class OpeningHoursFormSet(LabelledInlineFormSet):
    def clean(self):
        """A calendar without an opening interval would stop every clock under it for ever."""
        super().clean()
        kept = [
            form
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE", False)
        ]
        if not kept:
            raise forms.ValidationError(never_opens_reason(self.instance.timezone, [], []))


class OpeningHoursInline(admin.TabularInline):
    model = OpeningHours
    formset = OpeningHoursFormSet
    extra = 0


class HolidayInline(admin.TabularInline):
    model = Holiday
    formset = LabelledInlineFormSet
    extra = 0


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(ConfigHistoryAdmin):
    form = CalendarForm
    child_history = [(OpeningHours, "calendar", "Opening hours"), (Holiday, "calendar", "Holidays")]
    list_display = ["name", "timezone", "opening_intervals", "holiday_count"]
    search_fields = ["name"]
    inlines = [OpeningHoursInline, HolidayInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                interval_count=Count("hours", distinct=True),
                holiday_total=Count("holidays", distinct=True),
            )
        )

    def get_urls(self):
        view = self.admin_site.admin_view(import_holidays_view(self))
        name = "escalation_businesscalendar_import_holidays"
        return [path("<path:object_id>/import-holidays/", view, name=name), *super().get_urls()]

    @admin.display(description="Opening intervals", ordering="interval_count")
    def opening_intervals(self, obj):
        return obj.interval_count or "24×7"

    @admin.display(description="Holidays", ordering="holiday_total")
    def holiday_count(self, obj):
        return obj.holiday_total


class SLATargetForm(forms.ModelForm):
    first_response_seconds = HumanDurationField(
        label="First response", min_value=1, max_value=MAX_TARGET_SECONDS
    )
    resolution_seconds = HumanDurationField(
        label="Resolution", min_value=1, max_value=MAX_TARGET_SECONDS
    )

    class Meta:
        model = SLATarget
        fields = ["priority", "first_response_seconds", "resolution_seconds"]

    def clean(self):
        data = super().clean()
        first, resolution = data.get("first_response_seconds"), data.get("resolution_seconds")
        if error := SLATarget.order_error(first, resolution):
            self.add_error("resolution_seconds", error)
        return data


class SLATargetInline(admin.TabularInline):
    model = SLATarget
    form = SLATargetForm
    formset = LabelledInlineFormSet
    extra = 0
    max_num = len(Priority.values)


@admin.register(SLAPolicy)
class SLAPolicyAdmin(ConfigHistoryAdmin):
    child_history = [(SLATarget, "policy", "Targets")]
    list_display = ["name", "calendar", "is_default", "team_names"]
    list_filter = ["is_default", "calendar"]
    list_select_related = ["calendar"]
    search_fields = ["name"]
    autocomplete_fields = ["teams"]
    inlines = [SLATargetInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("teams")

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """The form, with the live preview's replay button."""
        extra_context = {
            **(extra_context or {}),
            "replay_url": reverse("admin:escalation_slapolicy_replay"),
        }
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_urls(self):
        live = path(
            "live-preview/",
            self.admin_site.admin_view(sla_preview_view(self)),
            name="escalation_slapolicy_live_preview",
        )
        return [live, *replay_urls(self, "escalation_slapolicy"), *super().get_urls()]

    @admin.display(description="Teams")
    def team_names(self, obj):
        return ", ".join(t.name for t in obj.teams.all()) or "—"


class EscalationPolicyForm(forms.ModelForm):
    priorities = JSONChoicesField(
        choices=Priority.choices, help_text="None ticked means every priority."
    )
    repeat_interval_seconds = HumanDurationField(
        label="Repeat interval", min_value=1, max_value=MAX_OFFSET_SECONDS, initial=600
    )

    class Meta:
        model = EscalationPolicy
        fields = ["name", "is_active", "teams", "priorities", "repeat", "repeat_interval_seconds"]


class EscalationLevelForm(forms.ModelForm):
    notify = JSONChoicesField(choices=NOTIFY_CHOICES, help_text="Who is told when it fires.")
    offset_seconds = HumanDurationField(
        label="Offset",
        min_value=-MAX_OFFSET_SECONDS,
        max_value=MAX_OFFSET_SECONDS,
        initial=0,
        help_text='Business time after the anchor, e.g. "30m", "1h 30m"; '
        '"-15m" fires 15 minutes before it (a warning).',
    )
    webhook_url = forms.URLField(
        required=False, assume_scheme="https", validators=[webhooks.validate_url]
    )
    webhook_secret = WriteOnlySecretField()

    class Meta:
        model = EscalationLevel
        fields = list(EscalationLevel.CONFIG_FIELDS)

    def clean_webhook_secret(self):
        return kept_secret(self, "webhook_secret")


class EscalationLevelFormSet(forms.BaseInlineFormSet):
    """The levels, judged with their policy by the guard rails (escalation.guards)."""

    guard_warnings = ()

    def clean(self):
        super().clean()
        teams = getattr(self.instance, "draft_teams", None)
        if any(self.errors) or teams is None:
            return  # the fields' own errors first (or the policy's form has some)
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        findings = check_policy(draft_of(self.instance, teams, [f.cleaned_data for f in kept]))
        for (_levels, index, name), message in findings.faults:
            kept[index].add_error(name, message)
        self.guard_warnings = findings.warnings


class EscalationLevelInline(admin.StackedInline):
    model = EscalationLevel
    form = EscalationLevelForm
    formset = EscalationLevelFormSet
    extra = 0
    ordering = ["order"]
    autocomplete_fields = ["reassign_to", "notify_users"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "notify_users":
            kwargs["queryset"] = roles.agents()  # a level never names a customer
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(EscalationPolicy)
class EscalationPolicyAdmin(ConfigHistoryAdmin):
    child_history = [(EscalationLevel, "policy", "Levels")]
    form = EscalationPolicyForm
    list_display = ["name", "is_active", "priority_list", "team_names", "level_count", "repeats"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    autocomplete_fields = ["teams"]
    inlines = [EscalationLevelInline]
    actions = ["activate", "deactivate"]

    def get_queryset(self, request):
        qs = super().get_queryset(request).prefetch_related("teams")
        return qs.annotate(levels_total=Count("levels", distinct=True))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        """The form, with the choices of the live preview's hypothetical ticket."""
        extra_context = {
            **(extra_context or {}),
            "preview_priorities": Priority.choices,
            "preview_teams": Team.objects.order_by("tier", "name"),
            "replay_url": reverse("admin:escalation_escalationpolicy_replay"),
        }
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_form(self, request, form, change):
        """The policy unsaved, with the teams its form chose, for the levels' guard rails."""
        policy = super().save_form(request, form, change)
        policy.draft_teams = [team.pk for team in form.cleaned_data["teams"]]
        return policy

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for formset in formsets:
            for warning in getattr(formset, "guard_warnings", ()):
                self.message_user(request, warning, messages.WARNING)

    def get_urls(self):
        view = self.admin_site.admin_view(preview_view(self))
        preview = path(
            "<path:object_id>/preview/", view, name="escalation_escalationpolicy_preview"
        )
        live = path(
            "live-preview/",
            self.admin_site.admin_view(live_preview_view(self)),
            name="escalation_escalationpolicy_live_preview",
        )
        return [
            live,
            *replay_urls(self, "escalation_escalationpolicy"),
            preview,
            *super().get_urls(),
        ]

    @admin.display(description="Priorities")
    def priority_list(self, obj):
        return ", ".join(obj.priorities) or "all"

    @admin.display(description="Teams")
    def team_names(self, obj):
        return ", ".join(t.name for t in obj.teams.all()) or "all"

    @admin.display(description="Levels", ordering="levels_total")
    def level_count(self, obj):
        return obj.levels_total

    @admin.display(description="Repeat last level")
    def repeats(self, obj):
        if not obj.repeat:
            return "—"
        return f"{obj.repeat}× every {duration(obj.repeat_interval_seconds)}"

    @admin.action(description="Activate selected policies", permissions=["change"])
    def activate(self, request, queryset):
        self.message_user(request, f"{queryset.update(is_active=True)} policy(ies) activated.")

    @admin.action(description="Deactivate selected policies", permissions=["change"])
    def deactivate(self, request, queryset):
        self.message_user(request, f"{queryset.update(is_active=False)} policy(ies) deactivated.")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the engine writes: supervisors look, nobody edits them by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Replay)
class ReplayAdmin(ReadOnlyAdmin):
    """Replays run from the escalation and SLA policy forms, kept with their results."""

    list_display = ["name", "kind", "days", "state", "created_at", "requested_by"]
    list_filter = ["kind", "state"]
    list_select_related = ["requested_by"]
    readonly_fields = ["result"]

    def has_view_permission(self, request, obj=None):
        # Supervisors run replays from the policy form: they see them all, as they see firings.
        return super().has_view_permission(request, obj) or roles.is_supervisor(request.user)

    def has_module_permission(self, request):
        return self.has_view_permission(request)


@admin.register(Firing)
class FiringAdmin(ReadOnlyAdmin):
    list_display = [
        "ticket",
        "kind",
        "level",
        "repeat",
        "due_at",
        "state",
        "fired_at",
        "late",
        "fired_by",
    ]
    list_filter = ["state", "kind", "late"]
    list_select_related = ["ticket"]
    search_fields = ["key", "ticket__reference"]
    date_hierarchy = "due_at"


@admin.register(TicketClock)
class TicketClockAdmin(ReadOnlyAdmin):
    list_display = [
        "ticket",
        "sla_policy_name",
        "sla_policy_version",
        "escalation_policy",
        "response_target",
        "resolution_target",
        "paused_since",
        "frozen_at",
    ]
    list_select_related = ["ticket"]
    search_fields = ["ticket__reference", "sla_policy_name"]

    @admin.display(description="Escalation policy (version)")
    def escalation_policy(self, obj):
        policy = obj.policy or {}
        if not policy:
            return "—"
        version = policy.get("version")
        return f"{policy.get('name')} (v{version})" if version else policy.get("name")

    @admin.display(description="Response target")
    def response_target(self, obj):
        return duration(obj.response_target_seconds)

    @admin.display(description="Resolution target")
    def resolution_target(self, obj):
        return duration(obj.resolution_target_seconds)


from . import oncall  # noqa: E402, F401  (registers the on-call admin)
