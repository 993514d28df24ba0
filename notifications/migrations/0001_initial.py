"""The outbox models move from escalation to this app.

State only: the tables stay as they are (rows untouched) until 0002 renames them; the content
types are relabelled so the supervisors' permissions move with the models."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MODELS = ["notification", "deliveryattempt", "notificationpreference", "webhook"]
KINDS = [
    ("received", "Ticket received"),
    ("reply", "Agent reply"),
    ("resolved", "Ticket resolved"),
    ("assigned", "Assigned to you"),
    ("escalated", "Escalated"),
    ("sla_warning", "SLA warning"),
    ("breach", "SLA breach"),
]


def forward(apps, schema_editor):
    from dbtools.migration_tools import move_content_types

    move_content_types(apps, "escalation", "notifications", MODELS)


def backward(apps, schema_editor):
    from dbtools.migration_tools import move_content_types

    move_content_types(apps, "notifications", "escalation", MODELS)


def id_field():
    return models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("incidents", "0003_priority_matrix"),
        ("escalation", "0003_firing_claimed_by"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state = [
        migrations.CreateModel(
            name="Notification",
            fields=[
                ("id", id_field()),
                ("idempotency_key", models.CharField(max_length=255, unique=True)),
                (
                    "channel",
                    models.CharField(
                        choices=[("email", "Email"), ("webhook", "Webhook")],
                        default="email",
                        max_length=10,
                    ),
                ),
                ("kind", models.CharField(choices=KINDS, max_length=20)),
                (
                    "address",
                    models.CharField(help_text="Email address or webhook URL.", max_length=500),
                ),
                ("subject", models.CharField(blank=True, max_length=300)),
                ("body", models.TextField(blank=True)),
                ("html_body", models.TextField(blank=True)),
                ("payload", models.JSONField(blank=True, default=dict)),
                ("secret", models.CharField(blank=True, max_length=200)),
                (
                    "status",
                    models.CharField(
                        choices=[("queued", "Queued"), ("sent", "Sent"), ("failed", "Failed")],
                        default="queued",
                        max_length=10,
                    ),
                ),
                ("attempts", models.PositiveSmallIntegerField(default=0)),
                ("last_error", models.TextField(blank=True)),
                ("next_attempt_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("claimed_until", models.DateTimeField(blank=True, null=True)),
                ("claimed_by", models.CharField(blank=True, max_length=32)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("sent_at", models.DateTimeField(blank=True, null=True)),
                (
                    "firing",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="notifications",
                        to="escalation.firing",
                    ),
                ),
                (
                    "recipient",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="notifications",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "ticket",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notifications",
                        to="incidents.ticket",
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-id"],
                "db_table": "escalation_notification",
                "indexes": [
                    models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")
                ],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("status__in", ["queued", "sent", "failed"])),
                        name="outbox_status_valid",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="DeliveryAttempt",
            fields=[
                ("id", id_field()),
                ("at", models.DateTimeField(default=django.utils.timezone.now)),
                ("ok", models.BooleanField()),
                ("temporary", models.BooleanField(default=False)),
                ("error", models.TextField(blank=True)),
                (
                    "notification",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="delivery_attempts",
                        to="notifications.notification",
                    ),
                ),
            ],
            options={"ordering": ["at", "id"], "db_table": "escalation_deliveryattempt"},
        ),
        migrations.CreateModel(
            name="NotificationPreference",
            fields=[
                ("id", id_field()),
                ("kind", models.CharField(choices=KINDS, max_length=20)),
                ("enabled", models.BooleanField(default=True)),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="notification_preferences",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "db_table": "escalation_notificationpreference",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("user", "kind"), name="notification_pref_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="Webhook",
            fields=[
                ("id", id_field()),
                ("name", models.CharField(max_length=100)),
                ("url", models.URLField()),
                ("secret", models.CharField(max_length=200)),
                (
                    "kinds",
                    models.JSONField(
                        blank=True, default=list, help_text="Empty means every agent kind."
                    ),
                ),
                (
                    "slack_format",
                    models.BooleanField(default=False, help_text="Send a Slack-style `text` body."),
                ),
                ("is_active", models.BooleanField(default=True)),
                (
                    "team",
                    models.ForeignKey(
                        blank=True,
                        help_text="Empty means every team.",
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="webhooks",
                        to="incidents.team",
                    ),
                ),
            ],
            options={"ordering": ["name"], "db_table": "escalation_webhook"},
        ),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=state, database_operations=[]),
        migrations.RunPython(forward, backward),
    ]
