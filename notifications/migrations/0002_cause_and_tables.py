"""An outbox row names its cause by key instead of a foreign key to escalation's firings (the
notifications app depends on no other app but incidents); the tables take this app's names and
the outbox sweep's schedule its new task path."""

from django.db import migrations, models

TABLES = ["notification", "deliveryattempt", "notificationpreference", "webhook"]
SWEEP = "outbox-sweep"


def fill_cause(apps, schema_editor):
    """`firing:<id>` for an escalation's rows; `event:<id>` (the key's head) for the others."""
    Notification = apps.get_model("notifications", "Notification")
    rows = list(Notification.objects.only("pk", "firing_id", "idempotency_key"))
    for row in rows:
        if row.firing_id:
            row.cause = f"firing:{row.firing_id}"
        else:
            row.cause = ":".join(row.idempotency_key.split(":")[:2])
    Notification.objects.bulk_update(rows, ["cause"], batch_size=500)


def fill_firing(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    for row in Notification.objects.filter(cause__startswith="firing:"):
        row.firing_id = int(row.cause.split(":")[1])
        row.save(update_fields=["firing"])


def schedule_path(path):
    def run(apps, schema_editor):
        Schedule = apps.get_model("django_q", "Schedule")
        Schedule.objects.filter(name=SWEEP).update(func=path)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("escalation", "0004_models_moved_out"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="cause",
            field=models.CharField(
                blank=True,
                db_index=True,
                help_text="What caused it, by key: `event:<id>` or `firing:<id>`.",
                max_length=200,
            ),
        ),
        migrations.RunPython(fill_cause, fill_firing),
        migrations.RemoveField(model_name="notification", name="firing"),
        *[migrations.AlterModelTable(name=name, table=None) for name in TABLES],
        migrations.RunPython(
            schedule_path("notifications.tasks.sweep_outbox"),
            schedule_path("escalation.notifications.tasks.sweep_outbox"),
        ),
    ]
