"""Register the supervisors' daily mail of on-call coverage holes as a django-q2 schedule
(every day at 06:00 UTC)."""

from datetime import UTC, datetime, time, timedelta

from django.db import migrations

NAME = "coverage-holes-daily"


def create(apps, schema_editor):
    tomorrow = datetime.now(UTC).date() + timedelta(days=1)
    apps.get_model("django_q", "Schedule").objects.update_or_create(
        name=NAME,
        defaults={
            "func": "escalation.tasks.mail_coverage_holes",
            "schedule_type": "D",
            "repeats": -1,
            "next_run": datetime.combine(tomorrow, time(6), tzinfo=UTC),
        },
    )


def remove(apps, schema_editor):
    apps.get_model("django_q", "Schedule").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("escalation", "0014_cover_requests"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(create, remove)]
