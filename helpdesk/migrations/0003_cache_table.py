"""The database cache's table: throttle counters and rate limits shared by every web process
when there is no Redis (settings.CACHES). Made whatever the cache setting is now, so a later
switch from Redis to the database finds it."""

from django.core.management import call_command
from django.db import migrations

TABLE = "tierdesk_cache"


def create(apps, schema_editor):
    call_command("createcachetable", TABLE, database=schema_editor.connection.alias, verbosity=0)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("helpdesk", "0002_supervisors_unlock_logins")]
    operations = [migrations.RunPython(create, drop, elidable=False)]
