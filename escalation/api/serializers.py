"""Calendars, SLA policies and escalation policies, each writable with its nested rows in one
request; a nested list in a write replaces the stored set, all in one transaction."""

from collections.abc import Mapping
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from simple_history.utils import bulk_create_with_history

from incidents.api.fields import AgentField, IdField
from incidents.models import Team
from incidents.models.tickets import Priority
from notifications import webhooks
from notifications.models import Contact

from ..durations import FORMAT_HELP, DurationError, human_duration, parse_duration
from ..guards import check_policy, draft_of
from ..models import (
    BusinessCalendar,
    EscalationLevel,
    EscalationPolicy,
    Holiday,
    OpeningHours,
    SLAPolicy,
    SLATarget,
)
from ..models.calendars import MIDNIGHT, interval, never_opens_reason, validate_timezone
from ..models.policies import MAX_OFFSET_SECONDS, NOTIFY_TARGETS
from ..models.sla import MAX_TARGET_SECONDS

User = get_user_model()
# Business-time arithmetic walks day by day; a creation time centuries away is no real ticket.
PREVIEW_HORIZON = timedelta(days=3660)


def unique(items, key, message):
    """Reject a nested list naming the same thing twice (the database would refuse it)."""
    seen = [key(item) for item in items]
    if len(seen) != len(set(seen)):
        raise serializers.ValidationError(message)
    return items


class NestedWriteMixin:
    """Create/update a model with nested children.

    `nested` maps a field to (related name, child model, the child's foreign key to the parent).
    """

    nested = {}

    def create(self, validated_data):
        children = {name: validated_data.pop(name, None) for name in self.nested}
        with transaction.atomic():
            instance = super().create(validated_data)
            self._write_children(instance, children)
        return instance

    def update(self, instance, validated_data):
        children = {name: validated_data.pop(name, None) for name in self.nested}
        with transaction.atomic():
            instance = super().update(instance, validated_data)
            self._write_children(instance, children)
        return instance

    def _write_children(self, instance, children):
        for name, rows in children.items():
            if rows is None:
                continue  # a partial update that leaves this list alone
            related, model, parent = self.nested[name]
            getattr(instance, related).all().delete()
            self.create_children(instance, model, parent, rows)

    def create_children(self, instance, model, parent, rows):
        self.bulk_create([model(**{parent: instance}, **row) for row in rows], model)

    def bulk_create(self, objects, model):
        """Create the rows and their history rows (who: the request's user; through: the API)."""
        request = self.context.get("request")
        user = self.context.get("history_user")
        if request is not None and request.user.is_authenticated:
            user = request.user
        source = self.context.get("history_source", "API")
        return bulk_create_with_history(
            objects, model, default_user=user, default_change_reason=source
        )


@extend_schema_field({"type": "string", "example": "1h 30m", "maxLength": 40})
class ReadableDurationField(serializers.Field):
    """A `*_seconds` value in words, in and out: "1h 30m", "2d", "-15m"."""

    def to_internal_value(self, data):
        try:
            return parse_duration(data if isinstance(data, int) else str(data)[:40])
        except DurationError as exc:
            raise serializers.ValidationError(str(exc)) from exc

    def to_representation(self, value):
        return human_duration(value)


def in_words(seconds_field, what):
    """The words twin of `seconds_field` (same source, not required)."""
    return ReadableDurationField(
        source=seconds_field,
        required=False,
        help_text=f"{what} in words, the same as `{seconds_field}`: {FORMAT_HELP} "
        f"Give either; both must agree.",
    )


class ReadableDurationsMixin:
    """Each `*_seconds` field also in words; `readable` maps the words field to its seconds.

    A write may give either (or both, agreeing); the words are read into the seconds field
    before validation, so the seconds field's bounds and defaults apply to both forms."""

    readable = {}

    def to_internal_value(self, data):
        if isinstance(data, Mapping) and any(words in data for words in self.readable):
            data = self._words_to_seconds(data)
        return super().to_internal_value(data)

    def _words_to_seconds(self, data):
        data, errors = dict(data), {}
        for words, seconds in self.readable.items():
            if words not in data:
                continue
            try:
                value = self.fields[words].to_internal_value(data.pop(words))
            except serializers.ValidationError as exc:
                errors[words] = exc.detail
                continue
            if seconds in data:
                # The seconds field judges its own value (bounds, type); the two need only
                # agree, read as that field reads it ("900" and 900 alike), else neither wins.
                try:
                    given = self.fields[seconds].to_internal_value(data[seconds])
                except serializers.ValidationError:
                    continue
                if given != value:
                    errors[words] = [
                        f"Says {human_duration(value)}, but {seconds} says "
                        f"{human_duration(given)}: the same value in two forms that disagree, "
                        "so one is a mistake. Send one of the two, or both alike."
                    ]
                continue
            bounds = self.fields[seconds]
            if not bounds.min_value <= value <= bounds.max_value:
                errors[words] = [
                    f"Give {human_duration(bounds.min_value)} to "
                    f"{human_duration(bounds.max_value)}."
                ]
            data[seconds] = value
        if errors:
            raise serializers.ValidationError(errors)
        return data


@extend_schema_field(
    {"type": "string", "pattern": r"^([01]\d|2[0-3]):[0-5]\d$", "example": "09:00"}
)
class HourMinuteField(serializers.TimeField):
    """A time of day as `HH:MM`, in and out: seconds would be stored but never shown."""

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", input_formats=["%H:%M"], **kwargs)


@extend_schema_field({"type": "string", "format": "uri", "nullable": True, "maxLength": 200})
class OptionalURLField(serializers.URLField):
    """A URL or null (none); an empty string is taken as null too, and none is sent as null."""

    def __init__(self, **kwargs):
        super().__init__(allow_null=True, **kwargs)

    def validate_empty_values(self, data):
        return super().validate_empty_values(None if data == "" else data)

    def to_representation(self, value):
        return value or None


class OpeningHoursSerializer(serializers.ModelSerializer):
    start = HourMinuteField()
    end = HourMinuteField(help_text="00:00 means midnight.")

    class Meta:
        model = OpeningHours
        fields = ["weekday", "start", "end"]

    def validate(self, attrs):
        if not (attrs["start"] < attrs["end"] or attrs["end"] == MIDNIGHT):
            raise serializers.ValidationError(
                {"end": "The interval must end after it starts (00:00 means midnight)."}
            )
        return attrs


class HolidaySerializer(serializers.ModelSerializer):
    class Meta:
        model = Holiday
        fields = ["date", "name"]


class CalendarSerializer(NestedWriteMixin, serializers.ModelSerializer):
    nested = {
        "hours": ("hours", OpeningHours, "calendar"),
        "holidays": ("holidays", Holiday, "calendar"),
    }
    timezone = serializers.CharField(
        max_length=64,
        validators=[validate_timezone],
        help_text="IANA time zone, e.g. Europe/Berlin.",
    )
    hours = OpeningHoursSerializer(many=True, required=False)
    holidays = HolidaySerializer(many=True, required=False)

    class Meta:
        model = BusinessCalendar
        fields = ["id", "name", "timezone", "hours", "holidays"]

    def validate_holidays(self, value):
        return unique(value, lambda h: h["date"], "Each date can be a holiday only once.")

    def validate(self, attrs):
        """Refuse a calendar that would never open: it would stop every clock under it."""
        instance = self.instance
        hours = attrs.get("hours")
        if hours is None:
            hours = list(instance.hours.values("weekday", "start", "end")) if instance else []
        holidays = attrs.get("holidays")
        if holidays is None:
            holidays = list(instance.holidays.values("date")) if instance else []
        zone = attrs.get("timezone") or (instance.timezone if instance else "UTC")
        reason = never_opens_reason(
            zone,
            [interval(h["weekday"], h["start"], h["end"]) for h in hours],
            [h["date"] for h in holidays],
        )
        if reason:
            raise serializers.ValidationError({"hours": [reason]})
        return attrs


class SLATargetSerializer(ReadableDurationsMixin, serializers.ModelSerializer):
    readable = {"first_response": "first_response_seconds", "resolution": "resolution_seconds"}
    first_response_seconds = serializers.IntegerField(min_value=1, max_value=MAX_TARGET_SECONDS)
    resolution_seconds = serializers.IntegerField(min_value=1, max_value=MAX_TARGET_SECONDS)
    first_response = in_words("first_response_seconds", "The first-response target")
    resolution = in_words("resolution_seconds", "The resolution target")

    class Meta:
        model = SLATarget
        fields = [
            "priority",
            "first_response_seconds",
            "resolution_seconds",
            "first_response",
            "resolution",
        ]

    def validate(self, attrs):
        first = attrs.get(
            "first_response_seconds", getattr(self.instance, "first_response_seconds", None)
        )
        resolution = attrs.get(
            "resolution_seconds", getattr(self.instance, "resolution_seconds", None)
        )
        if error := SLATarget.order_error(first, resolution):
            raise serializers.ValidationError({"resolution_seconds": [error]})
        return attrs


class SLAPolicySerializer(NestedWriteMixin, serializers.ModelSerializer):
    nested = {"targets": ("targets", SLATarget, "policy")}
    teams = IdField(queryset=Team.objects.all(), many=True, required=False)
    targets = SLATargetSerializer(many=True, required=False)

    class Meta:
        model = SLAPolicy
        fields = ["id", "name", "calendar", "teams", "is_default", "targets"]

    def validate_targets(self, value):
        return unique(value, lambda t: t["priority"], "One target per priority.")

    def validate_is_default(self, value):
        others = SLAPolicy.objects.filter(is_default=True)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if value and others.exists():
            raise serializers.ValidationError("Another policy is already the default.")
        return value


class EscalationLevelSerializer(ReadableDurationsMixin, serializers.ModelSerializer):
    readable = {"offset": "offset_seconds"}
    offset = in_words("offset_seconds", "The offset")
    offset_seconds = serializers.IntegerField(
        min_value=-MAX_OFFSET_SECONDS,
        max_value=MAX_OFFSET_SECONDS,
        default=0,
        help_text="Business seconds after the anchor (±90 days); negative = a warning before.",
    )
    order = serializers.IntegerField(min_value=1, max_value=1000)
    notify = serializers.ListField(child=serializers.ChoiceField(NOTIFY_TARGETS), default=list)
    notify_users = AgentField(many=True, required=False)
    notify_contacts = IdField(
        queryset=Contact.objects.all(),
        many=True,
        required=False,
        help_text="Outside contacts, told what a customer would be (/api/contacts/).",
    )
    reassign_to = IdField(queryset=Team.objects.all(), allow_null=True, required=False)
    set_priority = serializers.ChoiceField(Priority.choices, allow_null=True, required=False)
    webhook_url = OptionalURLField(
        max_length=200,
        required=False,
        validators=[webhooks.validate_url],
        help_text="POSTed a signed JSON notice when the level fires; null for none.",
    )
    webhook_secret = serializers.CharField(
        max_length=200, required=False, allow_blank=True, write_only=True
    )

    class Meta:
        model = EscalationLevel
        fields = [*EscalationLevel.CONFIG_FIELDS, "offset"]

    def validate_notify(self, value):
        return unique(value, lambda t: t, "Name each notify target once.")

    def validate_webhook_url(self, value):
        return value or ""

    def validate_notify_users(self, value):
        return unique(value, lambda user: user.pk, "Name each user once.")

    def validate_notify_contacts(self, value):
        return unique(value, lambda contact: contact.pk, "Name each contact once.")

    def validate(self, attrs):
        if attrs.get("anchor") == EscalationLevel.Anchor.CREATED and attrs["offset_seconds"] < 0:
            raise serializers.ValidationError(
                {"offset_seconds": "A level cannot fire before the ticket exists."}
            )
        return attrs


class EscalationPolicySerializer(
    ReadableDurationsMixin, NestedWriteMixin, serializers.ModelSerializer
):
    nested = {"levels": ("levels", EscalationLevel, "policy")}
    readable = {"repeat_interval": "repeat_interval_seconds"}
    repeat_interval = in_words("repeat_interval_seconds", "The repeat interval")
    warnings = serializers.SerializerMethodField(
        help_text="After a write, what the guard rails warn about but let through (a policy "
        "no team uses); empty on reads."
    )
    teams = IdField(queryset=Team.objects.all(), many=True, required=False)
    priorities = serializers.ListField(
        child=serializers.ChoiceField(Priority.values),
        default=list,
        help_text="Empty means every priority.",
    )
    repeat = serializers.IntegerField(min_value=0, max_value=9, default=0)
    repeat_interval_seconds = serializers.IntegerField(
        min_value=1, max_value=MAX_OFFSET_SECONDS, default=600
    )
    levels = EscalationLevelSerializer(many=True, required=False)

    class Meta:
        model = EscalationPolicy
        fields = [
            "id",
            "name",
            "teams",
            "priorities",
            "repeat",
            "repeat_interval_seconds",
            "repeat_interval",
            "is_active",
            "levels",
            "warnings",
        ]

    def get_warnings(self, obj) -> list[str]:
        return list(getattr(self, "guard_warnings", []))

    def validate_priorities(self, value):
        return unique(value, lambda p: p, "Name each priority once.")

    def validate_levels(self, value):
        return unique(value, lambda level: level["order"], "Each level needs its own order.")

    def validate(self, attrs):
        """The guard rails (escalation.guards) on the policy as it would be saved."""
        instance = self.instance
        policy = EscalationPolicy(pk=instance.pk if instance else None)
        for name in ("name", "priorities", "is_active"):
            default = (
                getattr(instance, name)
                if instance
                else EscalationPolicy._meta.get_field(name).get_default()
            )
            setattr(policy, name, attrs.get(name, default))
        teams = attrs.get("teams", list(instance.teams.all()) if instance else [])
        levels = attrs.get("levels")
        if levels is None:
            levels = [level.snapshot([]) for level in instance.levels.all()] if instance else []
        findings = check_policy(draft_of(policy, [t.pk for t in teams], levels))
        if findings.faults:
            raise serializers.ValidationError(
                {
                    f"levels[{index}].{field}": [message]
                    for (_, index, field), message in findings.faults
                }
            )
        self.guard_warnings = findings.warnings
        return attrs

    def create_children(self, instance, model, parent, rows):
        users = [row.pop("notify_users", []) for row in rows]
        contacts = [row.pop("notify_contacts", []) for row in rows]
        levels = self.bulk_create([model(policy=instance, **row) for row in rows], model)
        for field, column, chosen in (
            ("notify_users", "user_id", users),
            ("notify_contacts", "contact_id", contacts),
        ):
            through = getattr(model, field).through
            through.objects.bulk_create(
                through(escalationlevel_id=level.pk, **{column: item.pk})
                for level, items in zip(levels, chosen, strict=True)
                for item in items
            )


class DraftPolicySerializer(EscalationPolicySerializer):
    """A policy as it would be saved, checked like one, but never saved: for previews."""

    name = serializers.CharField(max_length=100, required=False, default="Draft")


class PreviewInputSerializer(serializers.Serializer):
    """An existing ticket, or a hypothetical one described by priority, team and creation."""

    ticket = serializers.IntegerField(required=False, min_value=1)
    priority = serializers.ChoiceField(Priority.choices, required=False)
    team = IdField(queryset=Team.objects.all(), required=False, allow_null=True)
    created_at = serializers.DateTimeField(
        required=False, help_text="Defaults to now; within ten years of it."
    )

    def validate_created_at(self, value):
        if abs(value - timezone.now()) > PREVIEW_HORIZON:
            raise serializers.ValidationError("Preview a ticket created within ten years of now.")
        return value

    def validate(self, attrs):
        if "ticket" in attrs and "priority" in attrs:
            raise serializers.ValidationError(
                {"ticket": "Give either an existing ticket or a hypothetical priority, not both."}
            )
        if "ticket" not in attrs and "priority" not in attrs:
            raise serializers.ValidationError(
                {"priority": "Give a ticket id, or a priority for a hypothetical ticket."}
            )
        return attrs


class DraftPreviewInputSerializer(PreviewInputSerializer):
    """A preview of a policy before it is saved: the draft, plus the ticket to try it on."""

    policy = DraftPolicySerializer()


class PreviewFiringSerializer(serializers.Serializer):
    level = serializers.IntegerField()
    repeat = serializers.IntegerField()
    anchor = serializers.ChoiceField(EscalationLevel.Anchor.choices)
    due_at = serializers.DateTimeField()
    warning = serializers.BooleanField(help_text="Fires before its deadline (negative offset).")
    notify = serializers.ListField(child=serializers.IntegerField())
    reassign_to = serializers.IntegerField(allow_null=True)
    set_priority = serializers.ChoiceField(Priority.choices, allow_null=True)


class PreviewSerializer(serializers.Serializer):
    response_due_at = serializers.DateTimeField(allow_null=True)
    resolution_due_at = serializers.DateTimeField(allow_null=True)
    firings = PreviewFiringSerializer(many=True)
