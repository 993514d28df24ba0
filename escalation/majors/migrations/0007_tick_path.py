"""The app moved from the top-level `majors` package to `escalation.majors` (label and tables
unchanged): the minute tick's django-q2 schedule gets its new task path."""

from django.db import migrations

NAME = "major-incidents-tick"


def schedule_path(path):
    def run(apps, schema_editor):
        apps.get_model("django_q", "Schedule").objects.filter(name=NAME).update(func=path)

    return run


class Migration(migrations.Migration):
    dependencies = [("majors", "0006_roles")]

    operations = [
        migrations.RunPython(
            schedule_path("escalation.majors.tasks.tick"), schedule_path("majors.tasks.tick")
        ),
    ]
