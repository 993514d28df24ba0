"""Ticket and team endpoints: parse, call the ticket's lifecycle methods, render."""

from django.conf import settings
from django.db import transaction
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from .. import permissions as rules
from .. import timeline, uploads
from ..models import Team, Ticket
from ..models.lifecycle import TransitionError
from ..paging import HeadFirstPaginator
from . import serializers as s
from .filters import TicketFilter
from .mixins import FileTooLarge, IgnoreAccept, LocationOnCreateMixin, ProtectedDestroyMixin
from .permissions import AgentsReadSupervisorsWrite, TicketActionPermission
from .throttling import (
    ReplyRateThrottle,
    TicketCreateThrottle,
    TogetherThrottles,
    UploadRateThrottle,
)

# Statuses the schema cannot read off a view's configuration; helpdesk.schema adds the rest.
ERRORS = {
    400: OpenApiResponse(description="Invalid input, or not possible in the ticket's state."),
    404: OpenApiResponse(description="No such ticket, or not yours to see."),
}
FILE = OpenApiResponse(OpenApiTypes.BINARY, description="The file, in its own content type.")
# A whole history, not a page of results: neither filtered, searched, ordered nor paginated.
WHOLE_LIST = {"filter_backends": [], "pagination_class": None}


# Multipart framing and the optional `reply` field around the file: at most this many bytes.
UPLOAD_OVERHEAD = 16 * 1024
# Adding to a ticket is throttled on top of the per-user rate (REPLY_THROTTLE, UPLOAD_THROTTLE).
THROTTLED_REPLIES = [*viewsets.GenericViewSet.throttle_classes, ReplyRateThrottle]
THROTTLED_UPLOADS = [*viewsets.GenericViewSet.throttle_classes, UploadRateThrottle]


def transition(func, *args, **kwargs):
    """Run a lifecycle action, turning a refusal into a 400 with its message as the `detail`,
    and under the field it is about when it names one."""
    try:
        return func(*args, **kwargs)
    except TransitionError as exc:
        detail = {"detail": str(exc)} | ({exc.field: [str(exc)]} if exc.field else {})
        raise ValidationError(detail) from exc


def ticket_action(summary, request=None, **kwargs):
    """Schema for a POST action that answers with the ticket."""
    return extend_schema(
        summary=summary, request=request, responses={200: s.TicketSerializer, **ERRORS}, **kwargs
    )


@extend_schema_view(
    list=extend_schema(summary="Tickets you can see", responses={200: s.TicketSerializer}),
    retrieve=extend_schema(
        summary="One ticket", responses={200: s.TicketSerializer, 404: ERRORS[404]}
    ),
    create=extend_schema(
        summary="Open a ticket",
        request=s.TicketCreateSerializer,
        responses={201: s.TicketSerializer},
    ),
    partial_update=extend_schema(
        summary="Change status, priority, assignee or team (agents)",
        description=(
            "Each change follows the rules of the desk: the assignee is a member of the "
            "ticket's team; a priority override needs a `reason`; a supervisor moves the "
            "ticket to any team (the `reason` is optional and recorded), while an agent's "
            "change of `team` is a manual escalation (a higher tier or one across, with a "
            "`reason`). Only supervisors, the ticket's team and its assignee change a ticket: "
            "the team it was escalated away from gets a 403. A refused change is a 400 naming "
            "its field."
        ),
        request=s.TicketUpdateSerializer,
        responses={200: s.TicketSerializer, **ERRORS},
    ),
)
class TicketViewSet(
    TogetherThrottles,
    LocationOnCreateMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = s.TicketSerializer
    permission_classes = viewsets.GenericViewSet.permission_classes + [TicketActionPermission]
    django_paginator_class = HeadFirstPaginator  # helpdesk.pagination reads it
    filterset_class = TicketFilter
    search_fields = ["reference", "subject", "description"]
    ordering_fields = [
        "created_at",
        "updated_at",
        "priority",
        "status",
        "response_due_at",
        "resolution_due_at",
        "escalation_level",
        "id",
    ]
    ordering = ["-created_at", "-id"]
    http_method_names = ["get", "post", "patch", "head", "options"]
    ticket_rules = {
        "partial_update": rules.can_change_ticket,
        "acknowledge": rules.can_acknowledge,
        "escalate": rules.can_escalate,
        "resolve": rules.can_resolve,
        "reopen": rules.can_reopen,
    }

    def get_queryset(self):
        return Ticket.objects.visible_to(self.request.user)

    def get_throttles(self):
        throttles = super().get_throttles()
        if self.action == "create":
            throttles.append(TicketCreateThrottle())
        return throttles

    def list(self, request):
        """A page of ids, filtered and ordered, then that page's tickets by id: the ids come from
        the (team, …) indexes alone, where reading whole rows to sort them meant reading every
        ticket the agent may see."""
        ids = self.paginate_queryset(self._listed(request).values_list("pk", flat=True))
        tickets = Ticket.objects.order_by().in_bulk(ids)
        page = [tickets[pk] for pk in ids if pk in tickets]
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _listed(self, request):
        """The list's tickets: the column filters first, then what the user may see, so each of
        visible_to's branches finds them on its own index (`?breached=true`: the team's breached
        tickets, not all of them); then the search and the order, which no index serves and
        which cost more repeated in every branch."""
        tickets = Ticket.objects.filter(drill=False)  # drill tickets are read by their drill
        for backend in self.filter_backends:
            if issubclass(backend, DjangoFilterBackend) and self._filtered(request):
                tickets = backend().filter_queryset(request, tickets, self)
        tickets = tickets.visible_to(request.user)
        for backend in self.filter_backends:
            if not issubclass(backend, DjangoFilterBackend):
                tickets = backend().filter_queryset(request, tickets, self)
        return tickets

    def _filtered(self, request):
        """Does the query string name a filter? With none, the filter set filters nothing, and
        building its form to find that out was a tenth of an agent's list (issue 29). Each
        filter reads the parameter of its own name (tests/incidents/api/test_ticket_list_cost.py
        holds that, so none asked for is skipped)."""
        return not request.query_params.keys().isdisjoint(self.filterset_class.base_filters)

    def create(self, request):
        data = self._validated(s.TicketCreateSerializer, request.data)
        requester = data.get("requester", request.user)
        if requester != request.user and not rules.can_open_for_others(request.user):
            raise PermissionDenied("Only agents can open a ticket for someone else.")
        if data.get("team") is not None and not rules.can_choose_team(request.user):
            raise ValidationError({"team": ["Customers cannot choose a team."]})
        ticket = Ticket.open_ticket(
            requester=requester,
            subject=data["subject"],
            description=data["description"],
            impact=data["impact"],
            urgency=data["urgency"],
            team=data.get("team"),
            channel=Ticket.Channel.API,
            actor=request.user,
        )
        return Response(
            s.TicketSerializer(ticket).data,
            status=status.HTTP_201_CREATED,
            headers={"Location": self.location(ticket.pk)},
        )

    def partial_update(self, request, pk=None):
        ticket = self.get_object()
        update = s.TicketUpdateSerializer(data=request.data)
        update.is_valid(raise_exception=True)
        transition(ticket.update, request.user, **update.validated_data)
        return self._ticket(ticket)

    @ticket_action("Acknowledge: stop the first-response clock (agents)")
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        ticket = self.get_object()
        transition(ticket.acknowledge, request.user)
        return self._ticket(ticket)

    @ticket_action(
        "Escalate with a reason: up a tier, across, or to a person (agents)",
        request=s.EscalateSerializer,
        description=(
            "To the team's next tier by default, or to a chosen team of a higher or the same "
            "tier, never a lower one; `assignee` names a member of that team to take it, or, "
            "with no `team`, a member of the ticket's own team (a hierarchical escalation). "
            "Raises `escalation_level`."
        ),
    )
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        ticket = self.get_object()
        data = self._validated(s.EscalateSerializer, request.data)
        transition(
            ticket.escalate,
            request.user,
            data["reason"],
            team=data.get("team"),
            assignee=data.get("assignee"),
        )
        return self._ticket(ticket)

    @ticket_action("Resolve (agents)")
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        ticket = self.get_object()
        transition(ticket.resolve, request.user)
        return self._ticket(ticket)

    @ticket_action("Reopen a resolved ticket (its requester or an agent)")
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        ticket = self.get_object()
        transition(ticket.reopen, request.user)
        return self._ticket(ticket)

    @extend_schema(
        methods=["get"],
        summary="Replies you can see, oldest first",
        responses={200: s.ReplySerializer(many=True), 404: ERRORS[404]},
    )
    @extend_schema(
        methods=["post"],
        summary="Reply, or add an internal note (agents)",
        request=s.ReplyCreateSerializer,
        responses={201: s.ReplySerializer, **ERRORS},
    )
    @action(detail=True, methods=["get", "post"], throttle_classes=THROTTLED_REPLIES, **WHOLE_LIST)
    def replies(self, request, pk=None):
        ticket = self.get_object()
        if request.method == "POST":
            return self._add_reply(ticket, request)
        replies = rules.visible_replies(request.user, ticket.replies.all())
        replies = replies.prefetch_related("attachments")
        return Response(s.ReplySerializer(replies, many=True).data)

    @extend_schema(
        summary="Events, escalations and notifications, oldest first",
        responses={200: s.TimelineEntrySerializer(many=True), 404: ERRORS[404]},
    )
    @action(detail=True, methods=["get"], **WHOLE_LIST)
    def timeline(self, request, pk=None):
        ticket = self.get_object()
        entries = timeline.entries_for(ticket, request.user)
        entries = s.TimelineEntrySerializer(entries, many=True, context={"request": request})
        return Response(entries.data)

    @extend_schema(
        methods=["get"],
        summary="Files on the ticket and its replies you can see, oldest first",
        responses={200: s.AttachmentSerializer(many=True), 404: ERRORS[404]},
    )
    @extend_schema(
        methods=["post"],
        summary="Upload a file to the ticket or to one of your replies on it",
        request={"multipart/form-data": s.AttachmentUploadSerializer},
        responses={
            201: s.AttachmentSerializer,
            400: OpenApiResponse(
                description="No file, a type not allowed, the ticket's file quota reached "
                "(ATTACHMENT_MAX_TICKET_BYTES, ATTACHMENT_MAX_TICKET_FILES), or not your reply."
            ),
            404: ERRORS[404],
            413: OpenApiResponse(description="The file is larger than ATTACHMENT_MAX_BYTES."),
        },
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser],
        throttle_classes=THROTTLED_UPLOADS,
        **WHOLE_LIST,
    )
    def attachments(self, request, pk=None):
        ticket = self.get_object()
        if request.method == "POST":
            return self._upload(ticket, request)
        found = rules.visible_attachments(request.user, ticket.attachments.all())
        return Response(s.AttachmentSerializer(found, many=True).data)

    @extend_schema(
        summary="Download one file",
        parameters=[OpenApiParameter("attachment_id", int, OpenApiParameter.PATH)],
        responses={
            **{(200, kind): FILE for kind in settings.ATTACHMENT_TYPES},
            404: OpenApiResponse(description="No such ticket or file, or not yours to see."),
        },
    )
    @action(
        detail=True,
        methods=["get"],
        url_path=r"attachments/(?P<attachment_id>[0-9]{1,18})/download",
        url_name="attachment",
        content_negotiation_class=IgnoreAccept,
        **WHOLE_LIST,
    )
    def download(self, request, pk=None, attachment_id=None):
        ticket = self.get_object()
        found = rules.visible_attachments(request.user, ticket.attachments.all())
        attachment = found.filter(pk=attachment_id).first()
        if attachment is None:
            raise NotFound("No such file on this ticket.")
        return uploads.as_download(attachment)

    def _upload(self, ticket, request):
        declared = request.META.get("CONTENT_LENGTH") or ""
        if declared.isdigit() and uploads.too_large(int(declared) - UPLOAD_OVERHEAD):
            raise FileTooLarge({"file": ["The file is too large."]})  # refused before it is read
        data = self._validated(s.AttachmentUploadSerializer, request.data)
        reply = None
        if data.get("reply") is not None:
            reply = ticket.replies.filter(pk=data["reply"], author=request.user).first()
            if reply is None:
                raise ValidationError({"reply": [f"No reply of yours with id {data['reply']}."]})
        if ticket.status == Ticket.Status.CLOSED:
            raise ValidationError({"detail": "A closed ticket takes no more files."})
        try:
            content_type = uploads.checked_content_type(data["file"])
            with uploads.removed_if_not_saved(), transaction.atomic():
                [attachment] = ticket.attach_all(
                    request.user, [(data["file"], content_type)], reply=reply
                )
        except uploads.UploadRefused as refused:
            if refused.too_large:
                raise FileTooLarge({"file": [str(refused)]}) from None
            raise ValidationError({"file": [str(refused)]}) from None
        return Response(s.AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    def _add_reply(self, ticket, request):
        data = self._validated(s.ReplyCreateSerializer, request.data)
        if data["internal"] and not rules.can_write_internal(request.user, ticket):
            raise ValidationError({"internal": ["Only agents can write internal notes."]})
        if not data["internal"] and not rules.can_reply(request.user, ticket):
            raise PermissionDenied(rules.refusal(request.user, ticket))
        reply = transition(ticket.add_reply, request.user, data["body"], internal=data["internal"])
        return Response(s.ReplySerializer(reply).data, status=status.HTTP_201_CREATED)

    def _ticket(self, ticket):
        ticket.refresh_from_db()
        return Response(s.TicketSerializer(ticket).data)

    @staticmethod
    def _validated(serializer_class, data):
        serializer = serializer_class(data=data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


@extend_schema_view(
    list=extend_schema(summary="Teams with their members (agents)"),
    retrieve=extend_schema(summary="One team with its members (agents)"),
    create=extend_schema(summary="Create a team (supervisors)"),
    update=extend_schema(summary="Replace a team and its members (supervisors)"),
    partial_update=extend_schema(summary="Change a team (supervisors)"),
    destroy=extend_schema(
        summary="Delete a team no ticket uses (supervisors)",
        responses={
            204: None,
            409: OpenApiResponse(description="Tickets still use it, or it is the intake team."),
        },
    ),
)
class TeamViewSet(LocationOnCreateMixin, ProtectedDestroyMixin, viewsets.ModelViewSet):
    queryset = Team.objects.select_related(None).prefetch_related("memberships")
    serializer_class = s.TeamSerializer
    permission_classes = [AgentsReadSupervisorsWrite]
    filterset_fields = ["tier"]
    search_fields = ["name", "slug"]
    ordering_fields = ["tier", "name"]
