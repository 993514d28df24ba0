from django.contrib import admin
from django.utils import timezone

from .models import ActionItem, Drill, DrillSchedule, Entry, MajorIncident, Party, Review


class PartyInline(admin.TabularInline):
    model = Party
    extra = 0
    can_delete = False
    fields = ["kind", "team", "contact", "paged", "pages", "notified_at", "acknowledged_at"]
    readonly_fields = fields


class EntryInline(admin.TabularInline):
    model = Entry
    extra = 0
    can_delete = False
    fields = ["at", "kind", "actor", "body"]
    readonly_fields = fields


@admin.register(MajorIncident)
class MajorIncidentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "severity", "status", "commander", "declared_at"]
    list_filter = ["status", "severity"]
    search_fields = ["title"]
    readonly_fields = ["status", "commander", "declared_at", "resolved_at", "next_update_due_at"]
    inlines = [PartyInline, EntryInline]

    def has_add_permission(self, request):
        return False  # declared on the desk or over the API, which page the parties


class ActionInline(admin.TabularInline):
    model = ActionItem
    extra = 0


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["__str__", "owner", "due_on", "closed_at"]
    inlines = [ActionInline]


@admin.register(Drill)
class DrillAdmin(admin.ModelAdmin):
    list_display = ["__str__", "team", "spacing_seconds", "started_by", "started_at"]
    readonly_fields = ["ticket"]

    def has_add_permission(self, request):
        return False  # started from the policy's "Run a drill" button or the API


@admin.register(DrillSchedule)
class DrillScheduleAdmin(admin.ModelAdmin):
    list_display = ["__str__", "team", "at_time", "timezone", "next_run_at", "is_active"]
    readonly_fields = ["next_run_at"]

    def save_model(self, request, obj, form, change):
        obj.plan_next(timezone.now())  # the rule may have moved: the next run follows it
        super().save_model(request, obj, form, change)
