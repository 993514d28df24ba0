"""Supervisors read, retry and delete rejected mail, read every inbound mail and mark a
bouncing address deliverable again: give their group those permissions."""

from django.db import migrations

from dbtools import migration_tools

CODENAMES = [
    "view_rejectedmail",
    "change_rejectedmail",
    "delete_rejectedmail",
    "view_inboundmail",
    "view_mailaddress",
    "change_mailaddress",
    "delete_mailaddress",
]


def grant(apps, schema_editor):
    migration_tools.grant(apps, "supervisors", "notifications", CODENAMES)


def revoke(apps, schema_editor):
    migration_tools.revoke(apps, "supervisors", "notifications", CODENAMES)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_inbound_mail"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
