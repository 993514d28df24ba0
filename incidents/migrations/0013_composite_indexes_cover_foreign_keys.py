"""The ticket's team and assignee, and an event's ticket, lose their own indexes: the queue,
timeline and assignee indexes start with those columns, and every create and every move of a
ticket wrote the extra ones for nothing (issue 11)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from dbtools.migration_tools import without_own_index


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0012_configuration_stamp"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        without_own_index(
            "incidents",
            "ticket",
            "assignee",
            models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="assigned_tickets",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        without_own_index(
            "incidents",
            "ticket",
            "team",
            models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="tickets",
                to="incidents.team",
            ),
        ),
        without_own_index(
            "incidents",
            "ticketevent",
            "ticket",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="events",
                to="incidents.ticket",
            ),
        ),
    ]
