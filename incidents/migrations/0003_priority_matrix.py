"""The priority matrix moves from escalation to incidents (SPEC puts it under Tickets).

The table is taken over as it is (state only), then renamed; rows and permissions stay."""

from django.db import migrations, models

MODELS = ["prioritymatrixentry"]


def forward(apps, schema_editor):
    from dbtools.migration_tools import move_content_types

    move_content_types(apps, "escalation", "incidents", MODELS)


def backward(apps, schema_editor):
    from dbtools.migration_tools import move_content_types

    move_content_types(apps, "incidents", "escalation", MODELS)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0002_roles"),
        ("escalation", "0003_firing_claimed_by"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PriorityMatrixEntry",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "impact",
                            models.CharField(
                                choices=[("high", "High"), ("medium", "Medium"), ("low", "Low")],
                                max_length=6,
                            ),
                        ),
                        (
                            "urgency",
                            models.CharField(
                                choices=[("high", "High"), ("medium", "Medium"), ("low", "Low")],
                                max_length=6,
                            ),
                        ),
                        (
                            "priority",
                            models.CharField(
                                choices=[
                                    ("P1", "P1 — critical"),
                                    ("P2", "P2 — high"),
                                    ("P3", "P3 — medium"),
                                    ("P4", "P4 — low"),
                                ],
                                max_length=2,
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "priority matrix cell",
                        "verbose_name_plural": "priority matrix",
                        "ordering": ["impact", "urgency"],
                        "db_table": "escalation_prioritymatrixentry",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("impact", "urgency"), name="priority_matrix_cell"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("priority__in", ["P1", "P2", "P3", "P4"])),
                                name="priority_matrix_priority_valid",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="prioritymatrixentry", table=None),
        migrations.RunPython(forward, backward),
    ]
