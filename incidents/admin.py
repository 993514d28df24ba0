"""Admin for teams (configured by supervisors) and a read-only view of tickets.

Tickets change only through their lifecycle methods, so every change is a TicketEvent: the
ticket admin shows them and offers actions that call those methods, never raw field edits.
"""

from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as delete_and_confirm
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from simple_history.admin import SimpleHistoryAdmin

from . import addresses, permissions, roles
from .api.auth import revoke_tokens
from .matrix_admin import grid_view
from .models import (
    Absence,
    Membership,
    PriorityMatrixEntry,
    Reply,
    SavedReply,
    Team,
    Ticket,
    TicketEvent,
)
from .models.lifecycle import TransitionError

User = get_user_model()


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "tier", "is_intake", "escalates_to", "email"]
    list_filter = ["tier", "is_intake"]
    list_select_related = ["escalates_to"]
    search_fields = ["name", "slug", "email"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["escalates_to"]
    inlines = [MembershipInline]
    actions = ["delete_selected"]

    def save_model(self, request, obj, form, change):
        obj.save_moving_intake()

    def delete_view(self, request, object_id, extra_context=None):
        """Django's delete page, unless it is the intake team: back to the team, with why."""
        team = self.get_object(request, unquote(object_id))
        allowed = team is not None and self.has_delete_permission(request, team)
        if allowed and self._refused(request, team):
            return redirect("admin:incidents_team_change", team.pk)
        return super().delete_view(request, object_id, extra_context)

    @admin.action(description=delete_and_confirm.short_description, permissions=["delete"])
    def delete_selected(self, request, queryset):
        """Django's delete action, unless the selection holds the intake team."""
        if self._refused(request, queryset):
            return None
        return delete_and_confirm(self, request, queryset)

    def _refused(self, request, teams):
        """Whether the model refuses deleting `teams` (a team or a queryset), said to the user."""
        try:
            teams.validate_delete()
        except ValidationError as exc:
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return True
        return False


@admin.register(PriorityMatrixEntry)
class PriorityMatrixEntryAdmin(SimpleHistoryAdmin):
    """The list page is the 3×3 grid (incidents.matrix_admin); one cell opens on its own page."""

    list_display = ["impact", "urgency", "priority"]

    def changelist_view(self, request, extra_context=None):
        return grid_view(self, request, extra_context)


@admin.register(SavedReply)
class SavedReplyAdmin(admin.ModelAdmin):
    list_display = ["title", "team", "updated_at"]
    list_filter = ["team"]
    list_select_related = ["team"]
    search_fields = ["title", "body"]
    autocomplete_fields = ["team"]


@admin.register(Absence)
class AbsenceAdmin(admin.ModelAdmin):
    """Supervisors set anyone's out of office (agents set their own on the desk)."""

    fields = ["user", "start", "end", "deputy", "note"]
    list_display = ["user", "start", "end", "deputy", "note"]
    list_select_related = ["user", "deputy"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    date_hierarchy = "start"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in ("user", "deputy"):
            kwargs["queryset"] = roles.agents()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


class ReadOnlyInline(admin.TabularInline):
    """A ticket's history: shown, never edited in the admin."""

    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TicketEventInline(ReadOnlyInline):
    model = TicketEvent
    fields = readonly_fields = ["at", "kind", "actor", "before", "after", "data"]
    ordering = ["at", "id"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class ReplyInline(ReadOnlyInline):
    model = Reply
    fields = readonly_fields = ["created_at", "author", "internal", "body"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


def _apply(modeladmin, request, queryset, action, allowed, past_tense):
    """Run one lifecycle action per ticket, as the desk and the API do: for the tickets the
    user may change (`allowed`, from incidents.permissions), each in its own transaction;
    report the ones refused, by the permission or by the ticket's state."""
    done, refused = 0, []
    for ticket in queryset.select_related("team"):
        if not allowed(request.user, ticket):
            refused.append(f"{ticket.reference}: {permissions.refusal(request.user, ticket)}")
            continue
        try:
            with transaction.atomic():
                getattr(ticket, action)(request.user)
            done += 1
        except TransitionError as exc:
            refused.append(f"{ticket.reference}: {exc}")
    if done:
        modeladmin.message_user(request, f"{done} ticket(s) {past_tense}.", messages.SUCCESS)
    for line in refused:
        modeladmin.message_user(request, line, messages.WARNING)


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = [
        "reference",
        "subject",
        "status",
        "priority",
        "team",
        "assignee",
        "response_due_at",
        "resolution_due_at",
        "breached",
    ]
    list_filter = ["status", "priority", "team", "breached", "channel", "priority_overridden"]
    list_select_related = ["team", "assignee"]
    search_fields = ["reference", "subject", "requester__username", "requester__email"]
    date_hierarchy = "created_at"
    inlines = [ReplyInline, TicketEventInline]
    actions = ["acknowledge", "resolve", "close"]
    fieldsets = [
        (None, {"fields": ["reference", "subject", "description", "requester", "channel"]}),
        (
            "Classification",
            {
                "fields": [
                    "status",
                    ("impact", "urgency", "priority", "priority_overridden"),
                    ("team", "assignee", "escalation_level"),
                ]
            },
        ),
        (
            "SLA clocks",
            {
                "fields": [
                    ("created_at", "acknowledged_at"),
                    ("response_due_at", "response_breached_at"),
                    ("resolution_due_at", "resolution_breached_at"),
                    ("sla_paused_at", "breached"),
                    ("resolved_at", "closed_at"),
                ]
            },
        ),
        ("Rating", {"fields": [("rating", "rating_comment")]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Every field: edits go through the lifecycle (desk, API, actions) to leave an event.
        return [f.name for f in Ticket._meta.concrete_fields if f.name != "id"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Acknowledge selected tickets", permissions=["change"])
    def acknowledge(self, request, queryset):
        _apply(self, request, queryset, "acknowledge", permissions.can_acknowledge, "acknowledged")

    @admin.action(description="Resolve selected tickets", permissions=["change"])
    def resolve(self, request, queryset):
        _apply(self, request, queryset, "resolve", permissions.can_resolve, "resolved")

    @admin.action(description="Close selected resolved tickets", permissions=["change"])
    def close(self, request, queryset):
        _apply(self, request, queryset, "close", permissions.can_change_ticket, "closed")


class PasswordChangeForm(AdminPasswordChangeForm):
    """The admin's password form; a new password revokes the user's API tokens, as on the site."""

    def save(self, commit=True):
        user = super().save(commit)
        revoke_tokens(user)
        return user


class UserAdmin(DjangoUserAdmin):
    """Django's user admin, searchable, and viewable by supervisors.

    Supervisors pick people for team memberships and escalation levels through autocomplete,
    which needs view access to users; editing users stays with those granted it. The address
    an admin gives a user counts as confirmed (incidents.addresses)."""

    list_filter = [*DjangoUserAdmin.list_filter, "memberships__team"]
    change_password_form = PasswordChangeForm

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change or "email" in form.changed_data:
            addresses.confirm(obj)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or roles.is_supervisor(request.user)


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, UserAdmin)
