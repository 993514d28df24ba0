"""Partial indexes of the breached tickets per team and per assignee: the API's ?breached=true
count reads them as two arms of PostgreSQL's BitmapOr instead of scanning the table."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0010_team_urgency_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("breached", True)),
                fields=["team"],
                name="ticket_team_breached_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("breached", True)),
                fields=["assignee"],
                name="ticket_assignee_breached_idx",
            ),
        ),
    ]
