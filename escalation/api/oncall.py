"""On-call over the API: rotations, overrides and "who is on call for team X at T"."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from incidents.api.fields import AgentField, IdField
from incidents.api.mixins import LocationOnCreateMixin, ProtectedDestroyMixin
from incidents.api.permissions import AgentsReadSupervisorsWrite
from incidents.models import Membership, Team

from .. import oncall
from ..models import OnCallOverride, Rotation, RotationMember
from ..models.calendars import validate_timezone
from .serializers import HourMinuteField
from .views import crud_schema


def check_members(team, user_ids, field):
    """Refuse people who are not members of the team, in words."""
    members = set(
        Membership.objects.filter(team=team, user_id__in=user_ids).values_list("user_id", flat=True)
    )
    strangers = [pk for pk in user_ids if pk not in members]
    if strangers:
        listed = ", ".join(str(pk) for pk in strangers)
        raise serializers.ValidationError({field: f"Not a member of {team.name}: user {listed}."})


@extend_schema_field({"type": "array", "items": {"type": "integer"}})
class MemberIdsField(serializers.ListField):
    """A rotation's members as user ids in their order; written as agents' ids."""

    def __init__(self, **kwargs):
        super().__init__(child=AgentField(), **kwargs)

    def get_attribute(self, instance):
        return [m.user_id for m in instance.memberships.all()]

    def to_representation(self, data):
        return list(data)


class RotationSerializer(serializers.ModelSerializer):
    team = IdField(queryset=Team.objects.all())
    timezone = serializers.CharField(
        max_length=64, validators=[validate_timezone], help_text="IANA time zone."
    )
    handoff_time = HourMinuteField()
    members = MemberIdsField(help_text="User ids, in the order they take their shifts.")

    class Meta:
        model = Rotation
        fields = ["id", *Rotation.CONFIG_FIELDS, "members"]
        validators = []  # one per team and layer: said on `layer` by validate()

    def validate_members(self, users):
        if len({u.pk for u in users}) != len(users):
            raise serializers.ValidationError("Each person is in a rotation once.")
        return users

    def validate(self, attrs):
        team = attrs.get("team") or self.instance.team
        if "members" in attrs:
            check_members(team, [u.pk for u in attrs["members"]], "members")
        layer = attrs.get("layer", self.instance.layer if self.instance else 1)
        taken = Rotation.objects.filter(team=team, layer=layer)
        if self.instance:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise serializers.ValidationError(
                {"layer": f"{team.name} already has a rotation for layer {layer}."}
            )
        return attrs

    def create(self, validated_data):
        members = validated_data.pop("members")
        with transaction.atomic():
            rotation = super().create(validated_data)
            self._write_members(rotation, members)
        return rotation

    def update(self, instance, validated_data):
        members = validated_data.pop("members", None)
        with transaction.atomic():
            rotation = super().update(instance, validated_data)
            if members is not None:
                self._write_members(rotation, members)
        return rotation

    @staticmethod
    def _write_members(rotation, members):
        rotation.memberships.all().delete()
        RotationMember.objects.bulk_create(
            RotationMember(rotation=rotation, user=user, position=i)
            for i, user in enumerate(members)
        )


class OverrideSerializer(serializers.ModelSerializer):
    team = IdField(queryset=Team.objects.all())
    user = AgentField()

    class Meta:
        model = OnCallOverride
        fields = [
            "id",
            "team",
            "layer",
            "user",
            "start",
            "end",
            "note",
            "covering_for",
            "created_by",
        ]
        read_only_fields = ["covering_for", "created_by"]

    def validate(self, attrs):
        get = lambda name: attrs.get(name, getattr(self.instance, name, None))  # noqa: E731
        if get("end") <= get("start"):
            raise serializers.ValidationError({"end": "An override ends after it starts."})
        check_members(get("team"), [get("user").pk], "user")
        return attrs


class OnCallSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    primary = serializers.IntegerField(allow_null=True)
    secondary = serializers.IntegerField(allow_null=True)
    primary_until = serializers.DateTimeField(allow_null=True)


class OnCallQuery(serializers.Serializer):
    at = serializers.DateTimeField(required=False, help_text="ISO 8601 instant; default now.")


class OnCallConfigViewSet(LocationOnCreateMixin, ProtectedDestroyMixin, viewsets.ModelViewSet):
    """Agents read the schedules; supervisors change them."""

    permission_classes = [AgentsReadSupervisorsWrite]
    filterset_fields = ["team", "layer"]
    ordering_fields = ["id"]


@crud_schema("rotation", "On-call rotations", RotationSerializer)
class RotationViewSet(OnCallConfigViewSet):
    queryset = Rotation.objects.prefetch_related("memberships")
    serializer_class = RotationSerializer
    search_fields = ["name"]


@crud_schema("on-call override", "On-call overrides", OverrideSerializer)
class OverrideViewSet(OnCallConfigViewSet):
    queryset = OnCallOverride.objects.all()
    serializer_class = OverrideSerializer
    filterset_fields = ["team", "layer", "user"]
    ordering_fields = ["start", "id"]

    def perform_create(self, serializer):
        serializer.save(created_by=self.request.user)


class TeamOnCallView(APIView):
    permission_classes = [AgentsReadSupervisorsWrite]

    @extend_schema(
        summary="Who is on call for the team at an instant (now by default)",
        parameters=[OpenApiParameter("at", str, description="ISO 8601 instant; default now.")],
        responses={200: OnCallSerializer},
    )
    def get(self, request, pk):
        team = get_object_or_404(Team, pk=pk)
        query = OnCallQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        at = query.validated_data.get("at") or timezone.now()
        answer = oncall.on_call_now(team.pk, at)
        return Response(OnCallSerializer(answer).data)
