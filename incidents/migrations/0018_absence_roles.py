"""Supervisors set anyone's out of office in the admin."""

from django.db import migrations

from dbtools.migration_tools import group_grants

grant, revoke = group_grants("supervisors", "incidents", ["absence"])


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0017_absences"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
