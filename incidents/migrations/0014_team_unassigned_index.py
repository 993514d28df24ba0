"""A partial index of each team's unassigned tickets: the API's ?unassigned=true and the desk's
Unassigned view find an agent's team branch there, instead of among every unassigned ticket of
every team (issue 11)."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0013_composite_indexes_cover_foreign_keys"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="ticket",
            index=models.Index(
                condition=models.Q(("assignee__isnull", True)),
                fields=["team"],
                name="ticket_team_unassigned_idx",
            ),
        ),
    ]
