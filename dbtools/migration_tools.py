"""Helpers for migrations: moving models between apps (their permissions move along), and
dropping a foreign key's own index without rebuilding its table."""

from django.db import migrations


def move_content_types(apps, old_label, new_label, models):
    """Relabel the content types of `models` from `old_label` to `new_label`, unless the new
    one exists already; group permissions hang on the content type, so they move along."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in models:
        if not ContentType.objects.filter(app_label=new_label, model=model).exists():
            ContentType.objects.filter(app_label=old_label, model=model).update(app_label=new_label)


def without_own_index(app_label, model_name, name, field):
    """AlterField of a foreign key to `field` (db_index=False: a composite index that starts
    with its column covers it), dropping the column's own index where it stands. Django's
    AlterField would rebuild a SQLite table whole to drop one index: a long lock on a big
    ticket table, and the configuration triggers lost with the old table. The index is the one
    Django named for the column alone; partial and composite indexes on it are left alone."""

    def own_index(apps, schema_editor):
        """(model, field, the index's name, whether it is there)."""
        model = apps.get_model(app_label, model_name)
        column = model._meta.get_field(name)
        index = schema_editor._create_index_name(model._meta.db_table, [column.column])
        connection = schema_editor.connection
        with connection.cursor() as cursor:
            found = connection.introspection.get_constraints(cursor, model._meta.db_table)
        return model, column, index, index in found

    def drop(apps, schema_editor):
        _model, _field, index, there = own_index(apps, schema_editor)
        if there:
            schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(index)}")

    def restore(apps, schema_editor):
        model, column, _index, there = own_index(apps, schema_editor)
        if not there:
            schema_editor.execute(schema_editor._create_index_sql(model, fields=[column]))

    return migrations.SeparateDatabaseAndState(
        state_operations=[migrations.AlterField(model_name=model_name, name=name, field=field)],
        database_operations=[migrations.RunPython(drop, restore)],
    )
