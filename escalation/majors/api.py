"""/api/major-incidents/: declare, read, acknowledge, link, update, resolve (agents only)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from incidents import roles
from incidents.api.mixins import LocationOnCreateMixin
from incidents.models import Team, Ticket
from notifications.models import Contact

from .lifecycle import IncidentError, NotAllowed
from .models import MajorIncident, Review
from .severity import CHOICES


class AgentsOnly(permissions.BasePermission):
    message = "Only agents can work major incidents."

    def has_permission(self, request, view):
        return roles.is_agent(request.user)


class PartySerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField(source="target_id")
    name = serializers.CharField()
    state = serializers.CharField()
    paged = serializers.ListField(child=serializers.IntegerField())
    skipped = serializers.ListField(child=serializers.ListField())
    pages = serializers.IntegerField()
    notified_at = serializers.DateTimeField()
    acknowledged_at = serializers.DateTimeField()
    acknowledged_by = serializers.IntegerField(source="acknowledged_by_id")
    acknowledged_by_name = serializers.CharField()
    joined_at = serializers.DateTimeField()


class MajorIncidentSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    teams = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Team.objects.all(), required=False
    )
    contacts = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Contact.objects.filter(is_active=True), required=False
    )
    tickets = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Ticket.objects.all(), required=False
    )
    severity = serializers.ChoiceField(choices=CHOICES)
    # Plain text in the schema: "active" or "resolved" (an enum named `status` would collide
    # with the ticket's in the schema's component names).
    status = serializers.CharField(read_only=True)
    parties = PartySerializer(many=True, read_only=True)

    class Meta:
        model = MajorIncident
        fields = [
            "id",
            "reference",
            "title",
            "severity",
            "summary",
            "public_summary",
            "status",
            "commander",
            "teams",
            "contacts",
            "tickets",
            "parties",
            "declared_at",
            "resolved_at",
            "next_update_due_at",
        ]
        read_only_fields = ["status", "commander", "declared_at", "resolved_at"]
        extra_kwargs = {"next_update_due_at": {"read_only": True}}

    def validate_tickets(self, tickets):
        visible = set(
            Ticket.objects.visible_to(self.context["request"].user)
            .filter(pk__in=[t.pk for t in tickets])
            .values_list("pk", flat=True)
        )
        hidden = [t.pk for t in tickets if t.pk not in visible]
        if hidden:
            raise serializers.ValidationError(f"No such tickets: {hidden}.")
        return tickets

    def validate(self, attrs):
        if not attrs.get("teams") and not attrs.get("contacts"):
            raise serializers.ValidationError(
                {"teams": "Choose at least one team or contact to call."}
            )
        return attrs

    def create(self, data):
        try:
            return MajorIncident.declare(self.context["request"].user, **data)
        except IncidentError as error:
            raise serializers.ValidationError({error.field or "detail": str(error)}) from error


class ActionItemSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=300)
    owner = serializers.PrimaryKeyRelatedField(
        queryset=roles.agents(), allow_null=True, required=False, default=None
    )
    done = serializers.BooleanField(default=False)


class ReviewSerializer(serializers.Serializer):
    owner = serializers.PrimaryKeyRelatedField(queryset=roles.agents(), allow_null=True)
    due_on = serializers.DateField(allow_null=True)
    closed_at = serializers.DateTimeField(read_only=True)
    actions = ActionItemSerializer(many=True, required=False)


class LinkSerializer(serializers.Serializer):
    ticket = serializers.PrimaryKeyRelatedField(queryset=Ticket.objects.all())


class BodySerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20000)
    internal = serializers.BooleanField(default=False)


@extend_schema_view(
    list=extend_schema(summary="Major incidents"),
    retrieve=extend_schema(summary="One major incident with its acknowledgement board"),
    create=extend_schema(summary="Declare a major incident: pages every party at once"),
)
class MajorIncidentViewSet(
    LocationOnCreateMixin,
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = MajorIncidentSerializer
    permission_classes = [permissions.IsAuthenticated, AgentsOnly]
    filterset_fields = ["status", "severity"]
    ordering_fields = ["declared_at", "id"]

    def get_queryset(self):
        return MajorIncident.objects.prefetch_related(
            "teams", "contacts", "tickets", "parties__team", "parties__contact"
        )

    def _answer(self, incident, code=status.HTTP_200_OK):
        incident = self.get_queryset().get(pk=incident.pk)
        return Response(self.get_serializer(incident).data, status=code)

    def _refuse(self, error):
        code = 403 if isinstance(error, NotAllowed) else status.HTTP_400_BAD_REQUEST
        return Response({error.field or "detail": str(error)}, status=code)

    @extend_schema(request=None, summary="Acknowledge as a paged person")
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        incident = self.get_object()
        try:
            incident.acknowledge(request.user)
        except IncidentError as error:
            return self._refuse(error)
        return self._answer(incident)

    @extend_schema(request=LinkSerializer, summary="Link a ticket")
    @action(detail=True, methods=["post"])
    def link(self, request, pk=None):
        incident = self.get_object()
        given = LinkSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        ticket = given.validated_data["ticket"]
        if not Ticket.objects.visible_to(request.user).filter(pk=ticket.pk).exists():
            return Response({"ticket": "No such ticket."}, status=status.HTTP_400_BAD_REQUEST)
        try:
            incident.link(request.user, ticket)
        except IncidentError as error:
            return self._refuse(error)
        return self._answer(incident)

    @extend_schema(request=BodySerializer, summary="Post a public update (or internal note)")
    @action(detail=True, methods=["post"])
    def updates(self, request, pk=None):
        incident = self.get_object()
        given = BodySerializer(data=request.data)
        given.is_valid(raise_exception=True)
        body, internal = given.validated_data["body"], given.validated_data["internal"]
        try:
            if internal:
                incident.post_note(request.user, body)
            else:
                incident.post_update(request.user, body)
        except IncidentError as error:
            return self._refuse(error)
        return self._answer(incident, status.HTTP_201_CREATED)

    @extend_schema(request=BodySerializer, summary="Resolve with a closing message")
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        incident = self.get_object()
        given = BodySerializer(data=request.data)
        given.is_valid(raise_exception=True)
        try:
            incident.resolve(request.user, given.validated_data["body"])
        except IncidentError as error:
            return self._refuse(error)
        return self._answer(incident)

    @extend_schema(request=ReviewSerializer, responses=ReviewSerializer, summary="Review")
    @action(detail=True, methods=["get", "put"])
    def review(self, request, pk=None):
        incident = self.get_object()
        review, _ = Review.objects.get_or_create(incident=incident)
        if request.method == "PUT":
            given = ReviewSerializer(data=request.data)
            given.is_valid(raise_exception=True)
            data = given.validated_data
            review.save_plan(
                data["owner"],
                data["due_on"],
                [(a["text"], a["owner"], a["done"]) for a in data.get("actions", [])],
            )
        return Response(ReviewSerializer(review).data)

    @extend_schema(request=None, responses=ReviewSerializer, summary="Close the review")
    @action(detail=True, methods=["post"], url_path="review/close")
    def close_review(self, request, pk=None):
        review, _ = Review.objects.get_or_create(incident=self.get_object())
        try:
            review.close()
        except IncidentError as error:
            return self._refuse(error)
        return Response(ReviewSerializer(review).data)
