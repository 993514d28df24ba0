"""Supervisors read, retry and delete rejected mail, read every inbound mail and mark a
bouncing address deliverable again (the admin classes refuse the rest: adding any, changing or
deleting an inbound mail's row)."""

from django.db import migrations

from dbtools.migration_tools import group_grants

grant, revoke = group_grants(
    "supervisors", "notifications", ["inboundmail", "rejectedmail", "mailaddress"]
)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0007_inbound_mail"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
