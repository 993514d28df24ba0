"""DRF permission classes: thin adapters over the rules in `incidents.permissions`."""

from rest_framework import permissions

from .. import permissions as rules


class IsSupervisor(permissions.BasePermission):
    """Configuration endpoints: supervisors only, for reading and writing alike."""

    message = "Only supervisors can manage this configuration."

    def has_permission(self, request, view):
        return rules.can_configure(request.user)


class AgentsReadSupervisorsWrite(permissions.BasePermission):
    """Teams: every agent reads them, supervisors change them."""

    message = "Agents can read teams; only supervisors can change them."

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return rules.can_read_teams(request.user)
        return rules.can_configure(request.user)


class TicketActionPermission(permissions.BasePermission):
    """Per-action ticket rules; visibility itself is the queryset's job (a hidden ticket is 404).

    Views name the rule for each action in `ticket_rules`: action name → function(user, ticket).
    """

    message = "You are not allowed to do this to the ticket."

    def has_object_permission(self, request, view, obj):
        rule = getattr(view, "ticket_rules", {}).get(view.action)
        if rule is None or rule(request.user, obj):
            return True
        self.message = rules.refusal(request.user, obj)
        return False
