"""Supervisors see the replays they and others ran (the admin's Replays list), read-only."""

from django.db import migrations

from dbtools.migration_tools import group_permissions

grant, revoke = group_permissions("supervisors", "escalation", ["view_replay"])


class Migration(migrations.Migration):
    dependencies = [
        ("escalation", "0011_replay"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
