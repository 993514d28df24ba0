"""Supervisors may unlock a login in the admin (delete an access attempt), not only see it."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["delete_accessattempt"]


def grant(apps, schema_editor):
    # Permissions are normally made after migrate; the group needs them now.
    app_config = apps.get_app_config("axes")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    supervisors, _ = apps.get_model("auth", "Group").objects.get_or_create(name="supervisors")
    Permission = apps.get_model("auth", "Permission")
    supervisors.permissions.add(
        *Permission.objects.filter(content_type__app_label="axes", codename__in=CODENAMES)
    )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="axes", codename__in=CODENAMES)
    for group in apps.get_model("auth", "Group").objects.filter(name="supervisors"):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("helpdesk", "0001_confirmed_addresses"),
        ("incidents", "0007_lockout_roles"),
        ("axes", "0010_accessattemptexpiration"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
