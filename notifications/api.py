"""A user's own notification settings: which kinds of notification reach them by email.

Customers choose among the customer kinds, agents and supervisors among the agent kinds. A kind
with no stored row is on. Escalation levels that name someone reach them even when the kind is
off (the engine forces them); the setting then only silences team-wide and other notices.
"""

from drf_spectacular.utils import OpenApiResponse, PolymorphicProxySerializer, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from incidents import roles

from .models import Notification, NotificationPreference

ALWAYS_WHEN_ADDRESSED = Notification.FORCED_KINDS


def kinds_for(user):
    """The kinds that apply to `user`, in the order the Kind choices list them."""
    customer_kinds = not roles.is_agent(user)
    return [
        kind
        for kind in Notification.Kind
        if kind not in Notification.CONTACT_KINDS | Notification.PAGE_KINDS
        and (kind in Notification.CUSTOMER_KINDS) == customer_kinds
    ]


def preferences_of(user):
    """Each kind that applies to `user` with its current setting, in one query."""
    kinds = kinds_for(user)
    stored = dict(
        NotificationPreference.objects.filter(user=user, kind__in=kinds).values_list(
            "kind", "enabled"
        )
    )
    return [
        {
            "kind": kind.value,
            "label": kind.label,
            "enabled": stored.get(kind.value, True),
            "always_when_addressed": kind.value in ALWAYS_WHEN_ADDRESSED,
        }
        for kind in kinds
    ]


def switch_many(user, changes):
    """Store every `{kind, enabled}` for `user` in one upsert on (user, kind)."""
    NotificationPreference.objects.bulk_create(
        [NotificationPreference(user=user, **change) for change in changes],
        update_conflicts=True,
        unique_fields=["user", "kind"],
        update_fields=["enabled"],
    )


class NotificationPreferenceSerializer(serializers.Serializer):
    """One kind of notification as its recipient sees it."""

    kind = serializers.ChoiceField(choices=Notification.Kind.choices)
    label = serializers.CharField()
    enabled = serializers.BooleanField(help_text="False: this kind is not emailed to you.")
    always_when_addressed = serializers.BooleanField(
        help_text="An escalation level that names you still reaches you when this is off; the "
        "setting then only silences team-wide and other notices of this kind."
    )


class StrictBooleanField(serializers.BooleanField):
    """A JSON `true` or `false`; DRF's own field would also take "yes", "0" or "on"."""

    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        self.fail("invalid")


class NotificationPreferenceChangeList(serializers.ListSerializer):
    """A list of changes; naming a kind twice is ambiguous, so it is refused."""

    def validate(self, attrs):
        kinds = [change["kind"] for change in attrs]
        if len(kinds) != len(set(kinds)):
            raise serializers.ValidationError("Name each kind at most once.")
        return attrs


class NeverPartial:
    """A change names both its kind and its setting, in a PATCH too: the schema generator,
    which marks every PATCH body partial, must not document the fields as optional."""

    @property
    def partial(self):
        return False

    @partial.setter
    def partial(self, value):
        pass


class NotificationPreferenceChangeSerializer(NeverPartial, serializers.Serializer):
    """Switch one kind on or off; the kind must be one the caller receives."""

    kind = serializers.ChoiceField(choices=Notification.Kind.choices)
    enabled = StrictBooleanField()

    class Meta:
        list_serializer_class = NotificationPreferenceChangeList

    def validate_kind(self, kind):
        mine = self.context["kinds"]
        if kind not in mine:
            who = "customers" if kind in Notification.CUSTOMER_KINDS else "agents and supervisors"
            raise serializers.ValidationError(
                f'"{kind}" is only sent to {who}; yours are: {", ".join(mine)}.'
            )
        return kind


def read_changes(data, kinds):
    """The validated changes in a body that is one `{kind, enabled}` object or a list of them."""
    many = isinstance(data, list)
    changes = NotificationPreferenceChangeSerializer(data=data, many=many, context={"kinds": kinds})
    changes.is_valid(raise_exception=True)
    return changes.validated_data if many else [changes.validated_data]


CHANGES = PolymorphicProxySerializer(
    component_name="NotificationPreferenceChanges",
    serializers=[
        NotificationPreferenceChangeSerializer(many=True),
        NotificationPreferenceChangeSerializer,
    ],
    resource_type_field_name=None,
    many=False,
)
LISTING = NotificationPreferenceSerializer(many=True)
UNAUTHENTICATED = OpenApiResponse(description="No or a bad token.")
CHANGE_SCHEMA = extend_schema(
    summary="Switch kinds of notification on or off",
    description="Send one `{kind, enabled}` object or a list of them; kinds left out keep their "
    "setting (PUT does the same as PATCH). Only the kinds you receive are accepted. Answers the "
    "full list, as GET does.",
    request=CHANGES,
    responses={
        200: LISTING,
        400: OpenApiResponse(
            description="Unknown kind, one you do not receive, or `enabled` "
            "not a boolean; field messages (per item for a list)."
        ),
        401: UNAUTHENTICATED,
    },
)


class NotificationPreferencesView(APIView):
    """The caller's own notification settings."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Your notification settings",
        description="Every kind of notification you receive, each with whether it is on. "
        "Customers get received, reply and resolved; agents and supervisors assigned, "
        "escalated, sla_warning and breach.",
        responses={200: LISTING, 401: UNAUTHENTICATED},
    )
    def get(self, request):
        return Response(
            NotificationPreferenceSerializer(preferences_of(request.user), many=True).data
        )

    @CHANGE_SCHEMA
    def patch(self, request):
        changes = read_changes(request.data, kinds_for(request.user))
        switch_many(request.user, changes)
        return self.get(request)

    @CHANGE_SCHEMA
    def put(self, request):
        return self.patch(request)
