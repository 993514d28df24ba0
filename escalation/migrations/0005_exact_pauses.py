"""Pauses are summed to the microsecond (issue 9): whole seconds per pause lost up to a second
each. Existing sums are whole seconds, so they convert exactly."""

from django.db import migrations, models
from django.db.models import F

US = 1_000_000


def to_microseconds(apps, schema_editor):
    apps.get_model("escalation", "TicketClock").objects.update(
        paused_microseconds=F("paused_microseconds") * US
    )


def to_seconds(apps, schema_editor):
    apps.get_model("escalation", "TicketClock").objects.update(
        paused_microseconds=F("paused_microseconds") / US
    )


class Migration(migrations.Migration):
    dependencies = [("escalation", "0004_models_moved_out")]

    operations = [
        migrations.RenameField(
            model_name="ticketclock", old_name="paused_seconds", new_name="paused_microseconds"
        ),
        migrations.AlterField(
            model_name="ticketclock",
            name="paused_microseconds",
            field=models.PositiveBigIntegerField(
                default=0,
                help_text="Business time the resolution clock spent paused, exact; due times use "
                "whole seconds of it.",
            ),
        ),
        migrations.RunPython(to_microseconds, to_seconds),
    ]
