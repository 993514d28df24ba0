"""Supervisors keep the outside contacts in the admin."""

from django.db import migrations

from dbtools.migration_tools import group_grants

grant, revoke = group_grants("supervisors", "notifications", ["contact"])


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0003_contacts"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
