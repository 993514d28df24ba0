"""Ticket, reply, timeline and team shapes (SPEC "API"); input and output kept apart where the
shapes differ, so a client can never write a field it may only read."""

from enum import Enum
from functools import cache
from operator import attrgetter

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from .. import roles
from ..models import Attachment, Membership, Reply, Team, Ticket
from ..models.tickets import Level, Priority
from ..readable import readable, reader
from .fields import AgentField, IdField
from .reading import reader_zone

User = get_user_model()


@extend_schema_field({"type": "string", "nullable": True})
class ReadableTime(serializers.ReadOnlyField):
    """An instant's readable twin: "Sun 6 Dec 2026, 04:43 EST" in the requesting person's zone
    (incidents/api/reading.py), day and month in the request's language; null when unset."""

    def to_representation(self, value):
        return readable(value, reader_zone(self.context.get("request")))


@extend_schema_field(OpenApiTypes.STR)
class ReaderZone(serializers.ReadOnlyField):
    """The zone the readable twins are in, such as "Asia/Kolkata"."""

    def __init__(self, **kwargs):
        super().__init__(source="*", **kwargs)

    def to_representation(self, value):
        return zone_name(reader_zone(self.context.get("request")))


def zone_name(zone):
    return getattr(zone, "key", None) or str(zone)


class TicketSerializer(serializers.ModelSerializer):
    """A ticket as every reader sees it; related objects are ids. The instants are ISO 8601;
    each has a readable twin (`created_display`, `response_due_display`, …) in the reader's
    zone, which `time_zone` names (SPEC "API", docs/api.md "Times")."""

    time_zone = ReaderZone()
    created_display = ReadableTime(source="created_at")
    updated_display = ReadableTime(source="updated_at")
    acknowledged_display = ReadableTime(source="acknowledged_at")
    resolved_display = ReadableTime(source="resolved_at")
    closed_display = ReadableTime(source="closed_at")
    response_due_display = ReadableTime(source="response_due_at")
    resolution_due_display = ReadableTime(source="resolution_due_at")
    sla_paused_display = ReadableTime(source="sla_paused_at")

    class Meta:
        model = Ticket
        fields = [
            "id",
            "reference",
            "subject",
            "description",
            "status",
            "priority",
            "priority_overridden",
            "impact",
            "urgency",
            "team",
            "assignee",
            "requester",
            "channel",
            "created_at",
            "updated_at",
            "acknowledged_at",
            "resolved_at",
            "closed_at",
            "response_due_at",
            "resolution_due_at",
            "sla_paused_at",
            "breached",
            "escalation_level",
            "rating",
            "time_zone",
            "created_display",
            "updated_display",
            "acknowledged_display",
            "resolved_display",
            "closed_display",
            "response_due_display",
            "resolution_due_display",
            "sla_paused_display",
        ]
        read_only_fields = fields

    def to_representation(self, instance):
        """The ticket read straight off its columns. DRF builds and walks a field object per
        column for every ticket it writes, a sixth of a create and most of a list page's
        rendering (docs/benchmarks.md "Seventh pass"); the fields above still describe the
        shape (the schema reads them), and tests/incidents/api/test_ticket_representation.py
        holds this to ModelSerializer's own output, field for field. The reader's zone, the
        active zone and language are found once per serializer (a list's tickets share their
        child serializer): asking for each of a ticket's eight instants was a tenth of a list
        (issue 29)."""
        writer = self.__dict__.get("_writer")
        if writer is None:
            writer = self._writer = _TicketWriter(reader_zone(self.context.get("request")))
        return writer.write(instance)


class _TicketWriter:
    """TicketSerializer's output for a reader in `zone`, with the active time zone and language
    of when it was made."""

    def __init__(self, zone):
        self.zone_name = zone_name(zone)
        self.twin = reader(zone)
        self.active = timezone.get_current_timezone()
        self.names, self.kinds, self.columns, self.twins, self.twin_columns = _ticket_layout()

    def write(self, ticket):
        data = {}
        for name, kind, value in zip(self.names, self.kinds, self.columns(ticket), strict=True):
            if kind is _INSTANT:
                value = self.instant(value)
            elif isinstance(value, Enum):
                value = value.value
            data[name] = value
        data["time_zone"] = self.zone_name
        for name, value in zip(self.twins, self.twin_columns(ticket), strict=True):
            data[name] = self.twin(value)
        return data

    def instant(self, value):
        """As DRF's DateTimeField writes it in the active zone: ISO 8601, UTC as "Z"."""
        if not value:
            return None
        if value.tzinfo is None:  # DRF's own rule for a naive one (none is read from the DB)
            return _DATETIME.to_representation(value)
        try:
            text = value.astimezone(self.active).isoformat()
        except OverflowError:
            return _DATETIME.to_representation(value)  # DRF's error
        return text[:-6] + "Z" if text.endswith("+00:00") else text


_DATETIME = serializers.DateTimeField()
_INSTANT, _PLAIN = "instant", "plain"


@cache
def _ticket_layout():
    """TicketSerializer's columns, in order: their names, their kinds (an instant, or a value
    written as stored, a related object as its id) and one getter for all their values; then
    the readable twins' names and one getter for their instants (they follow time_zone)."""
    declared = TicketSerializer._declared_fields
    fields = [
        (name, Ticket._meta.get_field(name))
        for name in TicketSerializer.Meta.fields
        if name not in declared
    ]
    kinds = tuple(
        _INSTANT if isinstance(field, models.DateTimeField) else _PLAIN for _, field in fields
    )
    columns = attrgetter(*(field.attname for _, field in fields))
    twins = [
        (name, field.source) for name, field in declared.items() if isinstance(field, ReadableTime)
    ]
    return (
        tuple(name for name, _ in fields),
        kinds,
        columns,
        tuple(name for name, _ in twins),
        attrgetter(*(source for _, source in twins)),
    )


# Shared by every create's fields: a related field takes `.all()` of its queryset for each value
# it looks up, so none is ever evaluated here.
TEAMS = Team.objects.all()
ACTIVE_USERS = User.objects.filter(is_active=True)


class TicketCreateSerializer(serializers.Serializer):
    """What opening a ticket takes. Its fields are made anew for each request in `get_fields`
    (DRF's hook for a serializer's fields) rather than declared: DRF makes declared fields by
    deep-copying them, querysets and choice lists included, and validating a create took 146 µs
    that way, 87 µs this way (issue 29)."""

    def get_fields(self):
        return {
            "subject": serializers.CharField(max_length=200),
            "description": serializers.CharField(),
            "impact": serializers.ChoiceField(Level.choices, default=Level.MEDIUM),
            "urgency": serializers.ChoiceField(Level.choices, default=Level.MEDIUM),
            "team": IdField(
                queryset=TEAMS,
                required=False,
                allow_null=True,
                help_text="Agents only: route the ticket. Defaults to the intake team.",
            ),
            "requester": IdField(
                queryset=ACTIVE_USERS,
                required=False,
                help_text="Agents only: open the ticket on a customer's behalf. Defaults to you.",
            ),
        }


class TicketUpdateSerializer(serializers.Serializer):
    """What an agent may PATCH; each field goes through the ticket's lifecycle method."""

    status = serializers.ChoiceField(Ticket.Status.choices, required=False)
    priority = serializers.ChoiceField(
        Priority.choices, required=False, help_text="An override: give a `reason` with it."
    )
    assignee = IdField(
        queryset=roles.agents(),
        required=False,
        allow_null=True,
        help_text="A member of the ticket's team, or null for nobody.",
    )
    team = IdField(
        queryset=Team.objects.all(),
        required=False,
        help_text="Supervisors: any team. Agents: a manual escalation, to a team of a higher "
        "or the same tier, with a `reason`.",
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="Why: needed with a priority override and with an agent's change of team; "
        "recorded on the ticket's timeline (internal).",
    )


class EscalateSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Why the ticket needs escalating (internal).")
    team = IdField(
        queryset=Team.objects.all(),
        required=False,
        allow_null=True,
        help_text="A team of a higher tier, or another of the same tier; defaults to the "
        "current team's next tier.",
    )
    assignee = AgentField(
        required=False,
        allow_null=True,
        help_text="A member of the target team to take the ticket. With no `team`, a member "
        "of the ticket's own team (a hierarchical escalation).",
    )


class AttachmentSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField(help_text="Where to GET the file's bytes.")

    class Meta:
        model = Attachment
        fields = ["id", "reply", "filename", "content_type", "size", "created_at", "download"]
        read_only_fields = fields

    def get_download(self, attachment) -> str:
        return reverse("api:ticket-attachment", args=[attachment.ticket_id, attachment.pk])


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="Within ATTACHMENT_MAX_BYTES, of a type allowed.")
    reply = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=2**63 - 1,
        help_text="One of your replies on this ticket to attach the file to; else the ticket.",
    )


class ReplySerializer(serializers.ModelSerializer):
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = Reply
        fields = ["id", "ticket", "author", "body", "internal", "created_at", "attachments"]
        read_only_fields = fields


class ReplyCreateSerializer(serializers.Serializer):
    body = serializers.CharField()
    internal = serializers.BooleanField(default=False, help_text="An internal note: agents only.")


class TimelineEntrySerializer(serializers.Serializer):
    kind = serializers.CharField()
    at = serializers.DateTimeField()
    at_display = ReadableTime(source="at")
    time_zone = ReaderZone()
    actor = serializers.IntegerField(allow_null=True)
    data = serializers.DictField()


class MemberSerializer(serializers.Serializer):
    user = AgentField()
    role = serializers.ChoiceField(Membership.Role.choices, default=Membership.Role.AGENT)


class TeamSerializer(serializers.ModelSerializer):
    members = MemberSerializer(many=True, source="memberships", required=False)
    is_intake = serializers.BooleanField(
        required=False,
        help_text="Takes every ticket that names no team. There is always exactly one: `true` "
        "moves the flag here from the team that had it; `false` on the intake team is refused.",
    )

    class Meta:
        model = Team
        fields = [
            "id",
            "name",
            "slug",
            "tier",
            "escalates_to",
            "email",
            "is_intake",
            "hold_for_next_shift",
            "auto_assign",
            "members",
        ]

    def validate_tier(self, value):
        if value < 1:
            raise serializers.ValidationError("Tiers start at 1.")
        return value

    def validate_members(self, value):
        users = [m["user"].pk for m in value]
        if len(users) != len(set(users)):
            raise serializers.ValidationError("A user can be a member only once.")
        return value

    def validate(self, attrs):
        """Escalation only climbs: the next tier must be higher, the previous ones lower. The
        intake flag moves, never goes (the model's rule)."""
        instance = self.instance
        target = attrs.get("escalates_to", instance.escalates_to if instance else None)
        tier = attrs.get("tier", instance.tier if instance else 1)
        (instance or Team(name=attrs.get("name", ""))).validate_escalation(target, tier)
        if instance is not None and "is_intake" in attrs:
            instance.validate_intake(attrs["is_intake"])
        return attrs

    def create(self, validated_data):
        validated_data.setdefault("memberships", [])
        return self.update(Team(), validated_data)

    def update(self, instance, validated_data):
        members = validated_data.pop("memberships", None)
        for field, value in validated_data.items():
            setattr(instance, field, value)
        with transaction.atomic():
            instance.save_moving_intake()
            if members is not None:
                self._replace_members(instance, members)
        return instance

    @staticmethod
    def _replace_members(team, members):
        team.memberships.all().delete()
        Membership.objects.bulk_create(
            Membership(team=team, user=m["user"], role=m["role"]) for m in members
        )
