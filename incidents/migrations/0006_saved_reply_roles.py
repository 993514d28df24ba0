"""Supervisors keep the saved replies in the admin: give their group the model's permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CODENAMES = ["add_savedreply", "change_savedreply", "delete_savedreply", "view_savedreply"]


def grant(apps, schema_editor):
    # Permissions are normally made after migrate; the group needs them now.
    app_config = apps.get_app_config("incidents")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    supervisors, _ = Group.objects.get_or_create(name="supervisors")
    perms = Permission.objects.filter(content_type__app_label="incidents", codename__in=CODENAMES)
    supervisors.permissions.add(*perms)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="incidents", codename__in=CODENAMES)
    for group in Group.objects.filter(name="supervisors"):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0005_saved_reply"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
