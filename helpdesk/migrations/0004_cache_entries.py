"""The shared cache on a table of our own (helpdesk.models.CacheEntry, read and written by
helpdesk.cache), in place of Django's database cache table that 0003 made: its rows were
Django's own format, which our backend wrote by hand. The counters in it are dropped with it
(the throttles' windows start again, as after a Redis restart). Reversed, the old table is
made again, empty."""

from django.core.management import call_command
from django.db import migrations, models

OLD_TABLE = "tierdesk_cache"


def drop_old_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(OLD_TABLE)}")


def make_old_table(apps, schema_editor):
    call_command("createcachetable", OLD_TABLE, database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("helpdesk", "0003_cache_table")]

    operations = [
        migrations.CreateModel(
            name="CacheEntry",
            fields=[
                ("key", models.CharField(max_length=255, primary_key=True, serialize=False)),
                ("value", models.BinaryField(null=True)),
                ("number", models.BigIntegerField(null=True)),
                ("expires", models.DateTimeField(db_index=True, null=True)),
            ],
            options={"verbose_name_plural": "cache entries"},
        ),
        migrations.RunPython(drop_old_table, make_old_table, elidable=False),
    ]
