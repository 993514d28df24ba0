from django.conf import settings
from django.contrib.auth import get_user_model
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
        ABSENCE_CONFLICT = "absence_conflict", "A team member away during their on-call time"
        COVERAGE_HOLES = "coverage_holes", "On-call coverage holes (daily)"
        FOLLOWED = "followed", "Update on a ticket you follow"
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
    # The process that holds the claim (dbtools.claims.holder). db_default: workers of the
    # release before keep inserting rows.
    claimed_holder = models.CharField(max_length=100, blank=True, default="", db_default="")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx"),
            # The deadline loop's two questions, every second: retries due, claims' holders.
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="queued", attempts__gt=0),
                name="outbox_retry_idx",
            ),
            models.Index(
                fields=["claimed_holder"], condition=~Q(claimed_holder=""), name="outbox_holder_idx"
            ),
        ]
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
        """Ids among `user_ids` who switched `kind` off, or whose address bounced until it was
        marked undeliverable (MailAddress), in one query.

        Written out: it is asked for every mail written (each ticket opened), with a user or
        two, and building it with the ORM took some 15 times as long as running it."""
        user_ids = list(user_ids)
        if not user_ids:
            return set()
        connection = connections[router.db_for_read(cls)]
        quote = connection.ops.quote_name
        table, user_col, kind_col, enabled_col = (
            quote(name) for name in (cls._meta.db_table, "user_id", "kind", "enabled")
        )
        users = quote(get_user_model()._meta.db_table)
        addresses = quote(MailAddress._meta.db_table)
        among = ", ".join(["%s"] * len(user_ids))
        sql = (
            f"SELECT {user_col} FROM {table} WHERE {kind_col} = %s AND NOT {enabled_col} "
            f"AND {user_col} IN ({among}) "
            f"UNION SELECT {quote('id')} FROM {users} WHERE {quote('id')} IN ({among}) "
            f"AND LOWER({quote('email')}) IN (SELECT {quote('address')} FROM {addresses} "
            f"WHERE {quote('undeliverable_since')} IS NOT NULL)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [kind, *user_ids, *user_ids])
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


def inbound_path(instance, filename):
    return f"inbound/{timezone.now():%Y/%m}/{instance.digest}.eml"


class InboundMailQuerySet(models.QuerySet):
    def kept_aside(self):
        """Mail a supervisor must look at: rejected (could not be taken) or held for review."""
        return self.filter(status__in=[InboundMail.Status.REJECTED, InboundMail.Status.HELD])

    def tickets_opened_by(self, sender, since):
        """How many tickets mail from `sender` opened since `since` (the per-sender limit)."""
        return self.filter(sender=sender, opened_ticket=True, received_at__gte=since).count()


class InboundMail(models.Model):
    """One message that came in (ingest_email or the IMAP poller), and what became of it.

    Its Message-ID plus the hash of its bytes is unique: the same message taken twice (an MTA's
    retry, a poller that crashed before marking it) is found here and taken once. A rejected or
    held message keeps its bytes (`raw`) so a supervisor can read it and retry it."""

    class Status(models.TextChoices):
        TAKEN = "taken", "Taken"
        IGNORED = "ignored", "Ignored"
        REJECTED = "rejected", "Rejected"
        HELD = "held", "Held for review"

    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    message_id = models.CharField(max_length=998, blank=True)
    digest = models.CharField(max_length=64, help_text="SHA-256 of the message's bytes.")
    sender = models.CharField(max_length=320, blank=True, db_index=True)
    subject = models.CharField(max_length=300, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices)
    reason = models.TextField(blank=True)
    ticket = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="inbound_mails"
    )
    opened_ticket = models.BooleanField(default=False)
    raw = models.FileField(upload_to=inbound_path, blank=True)

    objects = InboundMailQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = "inbound mail"
        verbose_name_plural = "inbound mail"
        constraints = [
            models.UniqueConstraint(fields=["message_id", "digest"], name="inbound_mail_once"),
            models.CheckConstraint(
                condition=Q(status__in=["taken", "ignored", "rejected", "held"]),
                name="inbound_mail_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.sender or 'unknown sender'}: {self.subject or '(no subject)'}"


class RejectedMail(InboundMail):
    """The admin's "Rejected mail" list: inbound mail kept aside, to read, retry or delete."""

    class Meta:
        proxy = True
        verbose_name = "rejected mail"
        verbose_name_plural = "rejected mail"


class MailAddress(models.Model):
    """What bounces taught us about an address: after BOUNCE_LIMIT hard bounces it is marked
    undeliverable and mail to it is no longer written."""

    BOUNCE_LIMIT = 3

    address = models.CharField(max_length=320, unique=True)
    hard_bounces = models.PositiveIntegerField(default=0)
    last_bounce_at = models.DateTimeField(null=True, blank=True)
    undeliverable_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["address"]
        verbose_name = "bouncing address"
        verbose_name_plural = "bouncing addresses"

    def __str__(self):
        return self.address
