"""Supervisors keep major incidents' reviews, drills and drill schedules in the admin."""

from django.db import migrations

from dbtools.migration_tools import group_grants

grant, revoke = group_grants(
    "supervisors",
    "majors",
    ["majorincident", "party", "entry", "review", "actionitem", "drill", "drillschedule"],
)


class Migration(migrations.Migration):
    dependencies = [
        ("majors", "0005_drill_schedule"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
