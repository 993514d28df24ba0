"""The team queue index widened to every column the desk's urgency order and views read, so a
queue page's ids are sorted from the index alone. Same leading columns as the index it replaces."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0009_bounds"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="ticket",
            name="ticket_team_queue_idx",
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                fields=[
                    "team",
                    "status",
                    "resolution_due_at",
                    "response_due_at",
                    "acknowledged_at",
                    "sla_paused_at",
                    "breached",
                    "created_at",
                    "assignee",
                ],
                name="ticket_team_urgency_idx",
            ),
        ),
    ]
