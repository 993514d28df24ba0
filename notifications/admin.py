"""Admin for the outbox, webhooks and per-user notification preferences."""

from django import forms
from django.contrib import admin, messages
from django.template.defaultfilters import truncatechars

from . import outbox, rendering, webhooks
from .forms import WriteOnlySecretField, kept_secret
from .models import Contact, DeliveryAttempt, Notification, NotificationPreference, Webhook


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    fields = ("at", "ok", "temporary", "error")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # Whoever may see a notification may see how its delivery went.
        return request.user.has_perm("escalation.view_notification")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "created_at",
        "kind",
        "channel",
        "address",
        "ticket",
        "status",
        "attempts",
        "next_attempt_at",
        "short_error",
    )
    list_filter = ("status", "channel", "kind")
    search_fields = ("idempotency_key", "address", "subject", "ticket__reference")
    list_select_related = ("ticket",)
    date_hierarchy = "created_at"
    # The secret is the endpoint's, not something to show on every row; the text and HTML are
    # shown rendered (`text`, `html`), even before delivery renders them.
    exclude = ("secret", "body", "html_body")
    readonly_fields = (
        "idempotency_key",
        "channel",
        "kind",
        "recipient",
        "address",
        "ticket",
        "cause",
        "subject",
        "text",
        "html",
        "payload",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "claimed_until",
        "created_at",
        "sent_at",
    )
    inlines = [DeliveryAttemptInline]
    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="text")
    def text(self, obj):
        # A queued mail is rendered when it is sent; until then this is what it will say.
        return rendering.render_rows([obj])[0].body

    @admin.display(description="HTML")
    def html(self, obj):
        return rendering.render_rows([obj])[0].html_body

    @admin.display(description="last error")
    def short_error(self, obj):
        return truncatechars(obj.last_error, 80)

    @admin.action(description="Retry now", permissions=["change"])
    def retry_now(self, request, queryset):
        count = outbox.retry_now(queryset)
        self.message_user(
            request,
            f"{count} notification(s) queued for delivery again; sent ones are never re-sent.",
            messages.SUCCESS,
        )


AGENT_KIND_LABELS = ", ".join(
    label for kind, label in Notification.Kind.choices if kind not in Notification.PUBLIC_KINDS
)


class WebhookForm(forms.ModelForm):
    url = forms.URLField(
        assume_scheme="https",
        max_length=200,
        validators=[webhooks.validate_url],
        help_text="Receives a signed POST; a public address.",
    )
    secret = WriteOnlySecretField()
    kinds = forms.MultipleChoiceField(
        choices=Notification.Kind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=f"None ticked means every agent kind: {AGENT_KIND_LABELS}.",
    )

    class Meta:
        model = Webhook
        fields = ("name", "url", "secret", "team", "kinds", "slack_format", "is_active")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            self.fields["secret"].required = True
            self.fields["secret"].help_text = "Signs every POST (HMAC-SHA256)."

    def clean_secret(self):
        return kept_secret(self, "secret")


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    form = WebhookForm
    list_display = ("name", "team", "url", "kinds", "slack_format", "is_active")
    list_filter = ("is_active", "slack_format", "team")
    search_fields = ("name", "url")
    list_select_related = ("team",)


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "enabled")
    list_filter = ("kind", "enabled")
    search_fields = ("user__username", "user__email")
    list_select_related = ("user",)
    autocomplete_fields = ("user",)


class ContactForm(forms.ModelForm):
    webhook_url = forms.URLField(
        required=False, assume_scheme="https", validators=[webhooks.validate_url]
    )
    webhook_secret = WriteOnlySecretField()

    class Meta:
        model = Contact
        fields = ("name", "organisation", "email", "webhook_url", "webhook_secret", "is_active")

    def clean_webhook_secret(self):
        return kept_secret(self, "webhook_secret")


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    """Outside contacts: a level's `notify_contacts` tells them what a customer would read."""

    form = ContactForm
    list_display = ("name", "organisation", "email", "webhook_url", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "organisation", "email")
