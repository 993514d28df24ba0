"""List filters for tickets (SPEC "API": status, priority, team, assignee, breached)."""

from datetime import UTC

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from ..models import Ticket
from ..models.tickets import Priority

MAX_ID = 2**63 - 1  # a larger number would overflow the database's integer, not just miss


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.NumberFilter):
    """A primary key: a whole number the database can hold, else a 400 with the field."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, min_value=1, max_value=MAX_ID, **kwargs)


class UtcDateTimeField(django_filters.fields.IsoDateTimeField):
    """An ISO 8601 instant, read as UTC: ISO allows UTC offsets PostgreSQL refuses (past
    ±15:59, as in `…T14:37:40-21:28`), and near the years 1 and 9999 the instant may not exist
    in UTC at all: a 400 with the field then, never a database error."""

    def to_python(self, value):
        moment = super().to_python(value)
        if moment is None:
            return None
        try:
            return moment.astimezone(UTC)
        except OverflowError:
            raise forms.ValidationError(
                "Enter an instant between the years 1 and 9999.", code="invalid"
            ) from None


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class TicketFilter(django_filters.FilterSet):
    # Columns of the ticket itself, so no duplicates to remove: the DISTINCT a multiple choice
    # adds by default made PostgreSQL sort the agent's whole list in parallel workers.
    status = django_filters.MultipleChoiceFilter(choices=Ticket.Status.choices, distinct=False)
    priority = django_filters.MultipleChoiceFilter(choices=Priority.choices, distinct=False)
    team = IdFilter(field_name="team_id", help_text="Team id.")
    assignee = IdFilter(field_name="assignee_id", help_text="User id of the assignee.")
    requester = IdFilter(field_name="requester_id", help_text="User id of the requester.")
    unassigned = django_filters.BooleanFilter(
        field_name="assignee",
        lookup_expr="isnull",
        help_text="true: only tickets nobody has taken.",
    )
    breached = django_filters.BooleanFilter()
    active = django_filters.BooleanFilter(
        method="filter_active", help_text="true: neither resolved nor closed."
    )
    created_after = UtcDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Ticket
        fields = [
            "status",
            "priority",
            "team",
            "assignee",
            "unassigned",
            "breached",
            "active",
            "channel",
            "requester",
        ]

    def filter_active(self, queryset, name, value):
        if value is None:
            return queryset
        active = queryset.active()
        return active if value else queryset.exclude(pk__in=active.values("pk"))
