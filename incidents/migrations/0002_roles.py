"""Create the `agents` and `supervisors` groups with their model permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONFIGURE = ["add", "change", "delete", "view"]
SUPERVISOR_PERMISSIONS = {
    ("incidents", "team"): CONFIGURE,
    ("incidents", "membership"): CONFIGURE,
    ("incidents", "ticket"): ["view"],
    ("incidents", "ticketevent"): ["view"],
    ("incidents", "reply"): ["view"],
    ("escalation", "businesscalendar"): CONFIGURE,
    ("escalation", "openinghours"): CONFIGURE,
    ("escalation", "holiday"): CONFIGURE,
    ("escalation", "slapolicy"): CONFIGURE,
    ("escalation", "slatarget"): CONFIGURE,
    ("escalation", "prioritymatrixentry"): CONFIGURE,
    ("escalation", "escalationpolicy"): CONFIGURE,
    ("escalation", "escalationlevel"): CONFIGURE,
    ("escalation", "webhook"): CONFIGURE,
    ("escalation", "notification"): ["view", "change"],
    ("escalation", "firing"): ["view"],
    ("escalation", "ticketclock"): ["view"],
    ("escalation", "notificationpreference"): CONFIGURE,
    ("escalation", "deliveryattempt"): ["view"],
    ("auth", "user"): ["view"],
}
AGENT_PERMISSIONS = {
    ("incidents", "team"): ["view"],
    ("incidents", "ticket"): ["view", "change"],
}


def grant(apps, group, table):
    Permission = apps.get_model("auth", "Permission")
    for (app_label, model), actions in table.items():
        codenames = [f"{action}_{model}" for action in actions]
        perms = Permission.objects.filter(content_type__app_label=app_label,
                                          codename__in=codenames)
        group.permissions.add(*perms)


def create_roles(apps, schema_editor):
    # Permissions are normally made after migrate; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    agents, _ = Group.objects.get_or_create(name="agents")
    supervisors, _ = Group.objects.get_or_create(name="supervisors")
    grant(apps, agents, AGENT_PERMISSIONS)
    grant(apps, supervisors, SUPERVISOR_PERMISSIONS)


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["agents", "supervisors"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0001_initial"),
        ("escalation", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
