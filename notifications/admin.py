"""Admin for the outbox, webhooks and per-user notification preferences."""

from django import forms
from django.contrib import admin, messages
from django.template.defaultfilters import truncatechars
from django.utils.html import format_html

from . import outbox, rendering, webhooks
from .forms import WriteOnlySecretField, kept_secret
from .inbound import ingest, parse
from .models import (
    Contact,
    DeliveryAttempt,
    InboundMail,
    MailAddress,
    Notification,
    NotificationPreference,
    RejectedMail,
    Webhook,
)


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


class InboundMailAdmin(admin.ModelAdmin):
    """Every message that came in and what became of it (read only)."""

    list_display = ("received_at", "status", "sender", "subject", "ticket", "short_reason")
    list_filter = ("status",)
    search_fields = ("sender", "subject", "message_id", "ticket__reference")
    list_select_related = ("ticket",)
    date_hierarchy = "received_at"
    readonly_fields = (
        "received_at",
        "status",
        "reason",
        "sender",
        "subject",
        "message_id",
        "digest",
        "size",
        "ticket",
        "opened_ticket",
    )
    exclude = ("raw",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a row is what takes a message once; Rejected mail deletes kept-aside ones

    @admin.display(description="reason")
    def short_reason(self, obj):
        return truncatechars(obj.reason, 80)


admin.site.register(InboundMail, InboundMailAdmin)


@admin.register(RejectedMail)
class RejectedMailAdmin(InboundMailAdmin):
    """Mail kept aside: a supervisor reads it, retries it or deletes it."""

    list_display = ("received_at", "sender", "short_reason", "subject")
    list_filter = ()
    readonly_fields = ("reason", "received_at", "status", "sender", "subject", "message")
    fields = readonly_fields
    actions = ["retry", "discard"]

    def changelist_view(self, request, extra_context=None):
        title = "Rejected mail: read a message, retry it or delete it"
        return super().changelist_view(request, {"title": title, **(extra_context or {})})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = {"title": "Rejected mail", **(extra_context or {})}
        return super().change_view(request, object_id, form_url, context)

    def get_queryset(self, request):
        return super().get_queryset(request).kept_aside()

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # `discard` deletes the stored message too
        return actions

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("notifications.change_rejectedmail")

    def has_delete_permission(self, request, obj=None):
        return request.user.has_perm("notifications.delete_rejectedmail")

    @admin.display(description="message")
    def message(self, obj):
        if not obj.raw:
            return "(not kept)"
        with obj.raw.open("rb") as stored:
            raw = stored.read(2 * 1024 * 1024)
        try:
            mail = parse.parse(raw)
            text = (
                f"From: {mail.sender_name} <{mail.sender}>\nSubject: {mail.subject}\n\n{mail.text}"
            )
        except Exception as error:  # shown as it is: it may be why the mail was rejected
            text = f"({type(error).__name__}: {error})\n\n{raw.decode('utf-8', 'replace')}"
        return format_html('<pre style="white-space:pre-wrap">{}</pre>', text[:20000])

    @admin.action(description="Retry the selected mail", permissions=["change"])
    def retry(self, request, queryset):
        for row in queryset:
            outcome = ingest.retry(row)
            level = messages.SUCCESS if outcome.exit_code == 0 else messages.WARNING
            self.message_user(request, f"{row}: {outcome.status}, {outcome.reason}", level)

    @admin.action(description="Delete the selected mail", permissions=["delete"])
    def discard(self, request, queryset):
        count = len(queryset)
        ingest.discard(queryset)
        self.message_user(request, f"{count} mail(s) deleted.", messages.SUCCESS)

    def delete_model(self, request, obj):
        ingest.discard([obj])


@admin.register(MailAddress)
class MailAddressAdmin(admin.ModelAdmin):
    list_display = ("address", "hard_bounces", "last_bounce_at", "undeliverable_since")
    list_filter = (("undeliverable_since", admin.EmptyFieldListFilter),)
    search_fields = ("address",)
