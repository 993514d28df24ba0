"""Admin for on-call rotations and overrides: declarations, and a check that members belong."""

from datetime import timedelta

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join

from incidents import roles
from incidents.models import Membership

from .. import oncall
from ..models import OnCallOverride, Rotation, RotationMember
from .display import ZoneField

PREVIEW = timedelta(days=14)


class RotationForm(forms.ModelForm):
    timezone = ZoneField(help_text="IANA time zone the handoff time is in.")

    class Meta:
        model = Rotation
        fields = Rotation.CONFIG_FIELDS


class RotationMemberFormSet(forms.BaseInlineFormSet):
    def clean(self):
        """Everyone in a team's rotation is a member of the team."""
        super().clean()
        if self.instance.team_id is None:
            return  # the rotation's own form says the team is missing
        users = [
            form.cleaned_data["user"]
            for form in self.forms
            if form.cleaned_data.get("user") and not form.cleaned_data.get("DELETE")
        ]
        team = self.instance.team
        members = set(
            Membership.objects.filter(team=team, user__in=users).values_list("user_id", flat=True)
        )
        strangers = [str(u) for u in users if u.pk not in members]
        if strangers:
            raise forms.ValidationError(f"Not a member of {team.name}: {', '.join(strangers)}.")


class RotationMemberInline(admin.TabularInline):
    model = RotationMember
    formset = RotationMemberFormSet
    fields = ["position", "user"]
    extra = 1


@admin.register(Rotation)
class RotationAdmin(admin.ModelAdmin):
    form = RotationForm
    inlines = [RotationMemberInline]
    readonly_fields = ["next_14_days"]

    @admin.display(description="Next 14 days (overrides included)")
    def next_14_days(self, obj):
        return shift_preview(obj)

    list_display = ["name", "team", "layer", "cadence", "handoff_time", "timezone", "start_date"]
    list_filter = ["team", "layer", "cadence"]


class OverrideForm(forms.ModelForm):
    class Meta:
        model = OnCallOverride
        fields = ["team", "layer", "user", "start", "end", "note"]

    def clean(self):
        data = super().clean()
        team, user = data.get("team"), data.get("user")
        if team and user and not Membership.objects.filter(team=team, user=user).exists():
            self.add_error("user", f"Not a member of {team.name}.")
        return data


@admin.register(OnCallOverride)
class OnCallOverrideAdmin(admin.ModelAdmin):
    form = OverrideForm
    list_display = ["user", "team", "layer", "start", "end", "created_by"]
    list_filter = ["team", "layer"]
    date_hierarchy = "start"

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


def shift_preview(rotation):
    """The layer's final shifts from now, as the engine and the forecast read them."""
    if rotation.pk is None:
        return "Save the rotation to see its shifts."
    now = timezone.now()
    segments = oncall.schedule([rotation.team_id], now, now + PREVIEW)[
        (rotation.team_id, rotation.layer)
    ]
    people = {u.pk: u for u in roles.agents().filter(pk__in={s.user for s in segments})}
    rows = [
        (
            _when(segment.start),
            _when(segment.end),
            _who(people.get(segment.user)),
            " (override)" if segment.override else "",
        )
        for segment in segments
    ]
    return format_html("<ul>{}</ul>", format_html_join("", "<li>{} – {}: {}{}</li>", rows))


def _when(moment):
    return date_format(timezone.localtime(moment), "D j M, H:i")


def _who(user):
    return (user.get_full_name() or user.get_username()) if user else "nobody (hole)"
