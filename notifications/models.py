from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models, router
from django.db.models import Q
from django.utils import timezone

from incidents.models import Team, Ticket


class NotificationQuerySet(models.QuerySet):
    def due(self, now):
        """Queued rows whose next attempt has come: what delivery and the health check count."""
        return self.filter(status=Notification.Status.QUEUED, next_attempt_at__lte=now)

    def told_by_cause(self, causes):
        """{cause: [who was told, by name or address, in the order written]} for these causes."""
        told = {}
        rows = self.filter(cause__in=causes).select_related("recipient").order_by("id")
        for row in rows:
            person = row.recipient
            name = (person.get_full_name() or person.get_username()) if person else row.address
            told.setdefault(row.cause, []).append(name)
        return told


class Notification(models.Model):
    """An outbox row: one message to one recipient, written in the transaction that caused it
    and delivered by a task after commit. The unique idempotency key makes a retry, a second
    worker or a re-run of the cause a no-op instead of a second message."""

    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        WEBHOOK = "webhook", "Webhook"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    class Kind(models.TextChoices):
        RECEIVED = "received", "Ticket received"
        REPLY = "reply", "Agent reply"
        RESOLVED = "resolved", "Ticket resolved"
        ASSIGNED = "assigned", "Assigned to you"
        ESCALATED = "escalated", "Escalated"
        SLA_WARNING = "sla_warning", "SLA warning"
        BREACH = "breach", "SLA breach"
        CONTACT_UPDATE = "contact_update", "Update for an outside contact"
        MAJOR_PAGE = "major_page", "Major incident page"

    # Kinds a customer may ever receive; everything else but CONTACT_KINDS is for agents, leads
    # and supervisors.
    CUSTOMER_KINDS = frozenset({"received", "reply", "resolved"})
    # What outside contacts get: what a customer would read (notifications.contacts).
    CONTACT_KINDS = frozenset({"contact_update"})
    # Kinds rendered from the public view of a ticket only.
    PUBLIC_KINDS = CUSTOMER_KINDS | CONTACT_KINDS
    # Kinds an escalation level sends to the people it names whatever their preferences.
    FORCED_KINDS = frozenset({"escalated", "sla_warning"})
    # A major incident's pages (majors.paging): always sent, so never a preference.
    PAGE_KINDS = frozenset({"major_page"})

    idempotency_key = models.CharField(max_length=255, unique=True)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="notifications",
    )
    address = models.CharField(max_length=500, help_text="Email address or webhook URL.")
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    cause = models.CharField(
        max_length=200,
        blank=True,
        db_index=True,
        help_text="What caused it, by key: `event:<id>` or `firing:<id>`.",
    )
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    html_body = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)
    secret = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "sent", "failed"]), name="outbox_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.kind} → {self.address} [{self.status}]"


class DeliveryAttempt(models.Model):
    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="delivery_attempts"
    )
    at = models.DateTimeField(default=timezone.now)
    ok = models.BooleanField()
    temporary = models.BooleanField(default=False)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self):
        outcome = "ok" if self.ok else ("temporary failure" if self.temporary else "failed")
        return f"Attempt at {self.at:%Y-%m-%d %H:%M:%S}: {outcome}"


class NotificationPreference(models.Model):
    """A user's opt-out of one kind of notification (escalations addressed to them stay on)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=20, choices=Notification.Kind.choices)
    enabled = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_pref_unique")
        ]

    def __str__(self):
        return f"{self.user}: {self.kind} {'on' if self.enabled else 'off'}"

    @classmethod
    def switch(cls, user, kind, enabled):
        """Turn one kind of notification on or off for `user` (what a preferences page calls)."""
        Notification.Kind(kind)
        preference, _ = cls.objects.update_or_create(
            user=user, kind=kind, defaults={"enabled": enabled}
        )
        return preference

    @classmethod
    def opted_out(cls, kind, user_ids):
        """Ids among `user_ids` who switched `kind` off, in one query.

        Written out: it is asked for every mail written (each ticket opened), with a user or
        two, and building it with the ORM took some 15 times as long as running it."""
        user_ids = list(user_ids)
        if not user_ids:
            return set()
        connection = connections[router.db_for_read(cls)]
        table, user_col, kind_col, enabled_col = (
            connection.ops.quote_name(name)
            for name in (cls._meta.db_table, "user_id", "kind", "enabled")
        )
        sql = (
            f"SELECT {user_col} FROM {table} WHERE {kind_col} = %s AND NOT {enabled_col} "
            f"AND {user_col} IN ({', '.join(['%s'] * len(user_ids))})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [kind, *user_ids])
            return {user_id for (user_id,) in cursor.fetchall()}


class Webhook(models.Model):
    """A JSON endpoint told about a team's escalations, signed with HMAC-SHA256."""

    name = models.CharField(max_length=100)
    url = models.URLField()
    secret = models.CharField(max_length=200)
    team = models.ForeignKey(
        Team,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhooks",
        help_text="Empty means every team.",
    )
    kinds = models.JSONField(default=list, blank=True, help_text="Empty means every agent kind.")
    slack_format = models.BooleanField(default=False, help_text="Send a Slack-style `text` body.")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Contact(models.Model):
    """An outside party (a vendor, a third party) without an account: told by email and/or
    webhook when a level names them, with what a customer would read, never an internal note."""

    name = models.CharField(max_length=100)
    organisation = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    webhook_url = models.URLField(blank=True)
    webhook_secret = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(email="") | ~Q(webhook_url=""),
                name="contact_email_or_webhook",
                violation_error_message="A contact needs an email address or a webhook URL.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.organisation})" if self.organisation else self.name

    def clean(self):
        if not (self.email or "").strip() and not (self.webhook_url or "").strip():
            raise ValidationError("A contact needs an email address or a webhook URL.")
