"""POST /api/escalation-policies/{id}/drill/ starts a drill (supervisors); GET /api/drills/{id}/
is its scorecard."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from escalation.models import EscalationPolicy
from incidents.api.permissions import IsSupervisor
from incidents.models import Priority, Team

from . import drills
from .models import Drill


class DrillStartSerializer(serializers.Serializer):
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all())
    priority = serializers.ChoiceField(choices=Priority.choices, default="P2")
    spacing_seconds = serializers.IntegerField(min_value=1, max_value=3600, default=5)


class DrillLevelSerializer(serializers.Serializer):
    level = serializers.IntegerField()
    repeat = serializers.IntegerField()
    due_at = serializers.DateTimeField()
    fired_at = serializers.DateTimeField(allow_null=True)
    state = serializers.CharField()
    reached = serializers.ListField(child=serializers.IntegerField())
    skipped = serializers.ListField(child=serializers.IntegerField())
    skipped_why = serializers.ListField(child=serializers.CharField())
    delivered_at = serializers.DateTimeField(allow_null=True)
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    acknowledged_by = serializers.IntegerField(allow_null=True)


class DrillSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()
    levels = serializers.SerializerMethodField()

    class Meta:
        model = Drill
        fields = [
            "id",
            "policy",
            "team",
            "priority",
            "spacing_seconds",
            "ticket",
            "started_by",
            "started_at",
            "status",
            "levels",
        ]

    def get_status(self, drill) -> str:
        return drills.status(drill)

    @extend_schema_field(DrillLevelSerializer(many=True))
    def get_levels(self, drill):
        return DrillLevelSerializer(drills.scorecard(drill), many=True).data


class DrillStartView(APIView):
    permission_classes = [IsSupervisor]

    @extend_schema(
        request=DrillStartSerializer,
        responses={201: DrillSerializer},
        summary="Run a drill of the policy",
    )
    def post(self, request, pk):
        policy = get_object_or_404(EscalationPolicy, pk=pk)
        given = DrillStartSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        try:
            drill = drills.start(
                policy, data["team"], request.user, data["priority"], data["spacing_seconds"]
            )
        except ValueError as error:
            return Response({"detail": str(error)}, status=status.HTTP_400_BAD_REQUEST)
        return Response(DrillSerializer(drill).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary="Drills"),
    retrieve=extend_schema(summary="One drill's scorecard, per level"),
)
class DrillViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Drill.objects.select_related("ticket")
    serializer_class = DrillSerializer
    permission_classes = [IsSupervisor]
