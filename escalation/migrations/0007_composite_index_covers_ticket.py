"""A firing's ticket loses its own index: firing_ticket_state_idx starts with the column, and
every ticket opened writes eight firings (issue 11)."""

import django.db.models.deletion
from django.db import migrations, models

from dbtools.migration_tools import without_own_index


class Migration(migrations.Migration):
    dependencies = [
        ("escalation", "0006_bounds"),
        ("incidents", "0013_composite_indexes_cover_foreign_keys"),
    ]

    operations = [
        without_own_index(
            "escalation",
            "firing",
            "ticket",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="firings",
                to="incidents.ticket",
            ),
        ),
    ]
