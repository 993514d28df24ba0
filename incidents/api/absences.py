"""/api/out-of-office/: agents read everyone's absences and set their own; supervisors anyone's."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied

from .. import permissions as rules
from ..models import Absence
from .fields import AgentField
from .mixins import LocationOnCreateMixin
from .permissions import AgentsReadSupervisorsWrite


class AbsenceSerializer(serializers.ModelSerializer):
    user = AgentField(required=False, help_text="Default: you.")
    deputy = AgentField(required=False, allow_null=True, help_text="Told instead; optional.")

    class Meta:
        model = Absence
        fields = ["id", "user", "start", "end", "deputy", "note", "created_by"]
        read_only_fields = ["created_by"]

    def validate(self, attrs):
        get = lambda name: attrs.get(name, getattr(self.instance, name, None))  # noqa: E731
        person = get("user") or self.context["request"].user
        errors = {}
        if get("end") is not None and get("start") is not None and get("end") <= get("start"):
            errors["end"] = "An absence ends after it starts."
        if get("deputy") is not None and get("deputy").pk == person.pk:
            errors["deputy"] = "A deputy is someone else."
        if errors:
            raise serializers.ValidationError(errors)
        attrs["user"] = person
        return attrs


class AgentsSetTheirOwn(AgentsReadSupervisorsWrite):
    message = "Agents set their own out of office; supervisors set anyone's."

    def has_permission(self, request, view):
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            return rules.can_read_teams(request.user)
        return super().has_permission(request, view)

    def has_object_permission(self, request, view, obj):
        if request.method in ("PUT", "PATCH", "DELETE"):
            return rules.can_set_absence(request.user, obj.user)
        return True


@extend_schema_view(
    list=extend_schema(summary="Out of office: who is away, when, and their deputy"),
    retrieve=extend_schema(summary="One absence"),
    create=extend_schema(summary="Set an absence (yours, or anyone's as a supervisor)"),
    update=extend_schema(summary="Replace an absence"),
    partial_update=extend_schema(summary="Change an absence"),
    destroy=extend_schema(summary="Delete an absence"),
)
class AbsenceViewSet(LocationOnCreateMixin, viewsets.ModelViewSet):
    queryset = Absence.objects.all()
    serializer_class = AbsenceSerializer
    permission_classes = [AgentsSetTheirOwn]
    filterset_fields = ["user", "deputy"]
    ordering_fields = ["start", "end", "id"]

    def perform_create(self, serializer):
        self._check(serializer.validated_data["user"])
        serializer.save(created_by=self.request.user)

    def perform_update(self, serializer):
        self._check(serializer.validated_data["user"])
        serializer.save()

    def _check(self, person):
        if not rules.can_set_absence(self.request.user, person):
            raise PermissionDenied(AgentsSetTheirOwn.message)
