"""Supervisors' configuration endpoints: calendars, SLA policies, escalation policies, preview."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from incidents.api.mixins import LocationOnCreateMixin, ProtectedDestroyMixin
from incidents.api.permissions import IsSupervisor
from incidents.models import Ticket

from ..models import BusinessCalendar, EscalationPolicy, SLAPolicy
from . import serializers as s

# helpdesk.schema adds the error responses each operation can give; these only word them.
ERRORS = {
    400: OpenApiResponse(description="Invalid input; field messages."),
    403: OpenApiResponse(description="Supervisors only."),
}
IN_USE = {409: OpenApiResponse(description="Still in use; cannot be deleted.")}


def crud_schema(noun, plural, serializer):
    """Summaries for a supervisor-only CRUD viewset."""
    return extend_schema_view(
        list=extend_schema(summary=plural, responses={200: serializer, 403: ERRORS[403]}),
        retrieve=extend_schema(
            summary=f"One {noun}", responses={200: serializer, 403: ERRORS[403]}
        ),
        create=extend_schema(
            summary=f"Create {'an' if noun[0] in 'aeiou' else 'a'} {noun} with its nested rows",
            responses={201: serializer, **ERRORS},
        ),
        update=extend_schema(
            summary=f"Replace the {noun}; nested lists replace the stored rows",
            responses={200: serializer, **ERRORS},
        ),
        partial_update=extend_schema(
            summary=f"Change the {noun}; a nested list given replaces the stored rows",
            responses={200: serializer, **ERRORS},
        ),
        destroy=extend_schema(
            summary=f"Delete the {noun}", responses={204: None, 403: ERRORS[403], **IN_USE}
        ),
    )


class ConfigViewSet(LocationOnCreateMixin, ProtectedDestroyMixin, viewsets.ModelViewSet):
    permission_classes = [IsSupervisor]
    search_fields = ["name"]
    ordering_fields = ["name", "id"]


@crud_schema("calendar", "Calendars", s.CalendarSerializer)
class CalendarViewSet(ConfigViewSet):
    queryset = BusinessCalendar.objects.prefetch_related("hours", "holidays")
    serializer_class = s.CalendarSerializer


@crud_schema("SLA policy", "SLA policies", s.SLAPolicySerializer)
class SLAPolicyViewSet(ConfigViewSet):
    queryset = SLAPolicy.objects.prefetch_related("teams", "targets")
    serializer_class = s.SLAPolicySerializer
    filterset_fields = ["calendar", "is_default"]


@crud_schema("escalation policy", "Escalation policies", s.EscalationPolicySerializer)
class EscalationPolicyViewSet(ConfigViewSet):
    queryset = EscalationPolicy.objects.prefetch_related(
        "teams", "levels__notify_users", "levels__notify_contacts"
    )
    serializer_class = s.EscalationPolicySerializer
    filterset_fields = ["is_active"]

    @extend_schema(
        summary="The firings this policy would plan for a real or hypothetical ticket",
        request=s.PreviewInputSerializer,
        responses={200: s.PreviewSerializer, **ERRORS},
    )
    @action(
        detail=True, methods=["post"], filterset_fields=[], search_fields=[], ordering_fields=[]
    )
    def preview(self, request, pk=None):
        return self._preview(request, s.PreviewInputSerializer, self.get_object())

    @extend_schema(
        summary="Preview a policy before saving it: the firings a draft would plan",
        operation_id="escalation_policies_preview_draft",
        request=s.DraftPreviewInputSerializer,
        responses={200: s.PreviewSerializer, **ERRORS},
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="preview",
        filterset_fields=[],
        search_fields=[],
        ordering_fields=[],
    )
    def preview_draft(self, request):
        return self._preview(request, s.DraftPreviewInputSerializer, None)

    def _preview(self, request, input_serializer, policy):
        from ..preview import preview_policy  # the engine's planner

        params = input_serializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = dict(params.validated_data)
        draft = data.pop("policy", None)
        if draft is not None:
            policy = s.draft_snapshot(draft)
        if "ticket" in data:
            data["ticket"] = self._ticket(request.user, data["ticket"])
        result = preview_policy(policy, **data)
        return Response(s.PreviewSerializer(result).data)

    @staticmethod
    def _ticket(user, pk):
        ticket = Ticket.objects.visible_to(user).filter(pk=pk).first()
        if ticket is None:
            raise ValidationError({"ticket": f"No ticket with id {pk}."})
        return ticket
