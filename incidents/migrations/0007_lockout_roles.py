"""Supervisors see login lockouts (django-axes's attempts and logs) in the admin, read-only."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["view_accessattempt", "view_accesslog", "view_accessfailurelog"]


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
        ("incidents", "0006_saved_reply_roles"),
        ("axes", "0010_accessattemptexpiration"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
