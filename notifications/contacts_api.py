"""/api/contacts/: outside contacts (no account): agents read them, supervisors keep them."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets

from incidents.api.mixins import LocationOnCreateMixin, ProtectedDestroyMixin
from incidents.api.permissions import AgentsReadSupervisorsWrite

from . import webhooks
from .models import Contact


class ContactSerializer(serializers.ModelSerializer):
    webhook_url = serializers.URLField(
        max_length=200, required=False, allow_blank=True, validators=[webhooks.validate_url]
    )
    webhook_secret = serializers.CharField(
        max_length=200, required=False, allow_blank=True, write_only=True
    )

    class Meta:
        model = Contact
        fields = [
            "id",
            "name",
            "organisation",
            "email",
            "webhook_url",
            "webhook_secret",
            "is_active",
        ]

    def validate(self, attrs):
        get = lambda name: attrs.get(name, getattr(self.instance, name, ""))  # noqa: E731
        if not (get("email") or "").strip() and not (get("webhook_url") or "").strip():
            raise serializers.ValidationError(
                {"email": "A contact needs an email address or a webhook URL."}
            )
        return attrs


@extend_schema_view(
    list=extend_schema(summary="Outside contacts"),
    retrieve=extend_schema(summary="One outside contact"),
    create=extend_schema(summary="Add an outside contact"),
    update=extend_schema(summary="Replace an outside contact"),
    partial_update=extend_schema(summary="Change an outside contact"),
    destroy=extend_schema(summary="Delete an outside contact"),
)
class ContactViewSet(LocationOnCreateMixin, ProtectedDestroyMixin, viewsets.ModelViewSet):
    queryset = Contact.objects.all()
    serializer_class = ContactSerializer
    permission_classes = [AgentsReadSupervisorsWrite]
    filterset_fields = ["is_active"]
    search_fields = ["name", "organisation", "email"]
    ordering_fields = ["name", "id"]
