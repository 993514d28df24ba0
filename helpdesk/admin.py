"""Login lockouts in the admin: supervisors see them and unlock an account or an address."""

from axes.admin import AccessAttemptAdmin as AxesAccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.utils.translation import ngettext


class AccessAttemptAdmin(AxesAccessAttemptAdmin):
    """django-axes's list of failed logins per name and address, with an Unlock action.

    Search by username or address, select, Unlock: the pairs may sign in again at once. Needs
    the delete permission on access attempts, which supervisors have (migration 0002)."""

    actions = ["unlock", *AxesAccessAttemptAdmin.actions]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # Unlock says what deleting them means
        return actions

    @admin.action(description="Unlock: let these names sign in from these addresses again")
    def unlock(self, request, queryset):
        count, _deleted = queryset.delete()
        self.message_user(
            request,
            ngettext("Unlocked %d login.", "Unlocked %d logins.", count) % count,
            messages.SUCCESS,
        )

    unlock.allowed_permissions = ["delete"]


if admin.site.is_registered(AccessAttempt):
    admin.site.unregister(AccessAttempt)
admin.site.register(AccessAttempt, AccessAttemptAdmin)
