"""Accounts made by staff get a confirmed address record (incidents.addresses).

Accounts with a password and an address but no primary EmailAddress row were made in the admin,
by seed_demo or over the API: whoever made them vouched for the address. A row allauth added
for a password reset (unconfirmed, not primary) becomes that confirmed primary row. Accounts
allauth enrolled at sign-up keep their row as it is (confirmed or not), guests (no password)
get theirs when they choose one, and an address another account has confirmed is left alone.
"""

from django.db import migrations


def confirm_made_by_staff(apps, schema_editor):
    User = apps.get_model("auth", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    enrolled = EmailAddress.objects.filter(primary=True).values("user_id")
    taken = set(EmailAddress.objects.filter(verified=True).values_list("email", flat=True))
    users = (
        User.objects.exclude(email="")
        .exclude(password__startswith="!")
        .exclude(pk__in=enrolled)
        .order_by("pk")
    )
    for user in users.iterator(chunk_size=2000):
        email = user.email.lower()
        if email in taken:
            continue
        taken.add(email)
        EmailAddress.objects.update_or_create(
            user_id=user.pk, email=email, defaults={"verified": True, "primary": True}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("account", "0009_emailaddress_unique_primary_email"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(confirm_made_by_staff, migrations.RunPython.noop)]
