from django.contrib import admin

from .models import ActionItem, Entry, MajorIncident, Party, Review


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
