"""A new ticket's reference ("HD-<id>") is written by the database as the row goes in, not by a
second statement from Python: one statement fewer for every ticket opened (issue 29).

PostgreSQL sets it before the insert (the id's default is taken by then: no second write of the
row); SQLite, whose triggers cannot change the row being inserted, updates it right after, inside
the INSERT. A reference given with the row is kept."""

from django.db import migrations

SQLITE = [
    """
    CREATE TRIGGER "incidents_ticket_reference" AFTER INSERT ON "incidents_ticket"
    WHEN NEW."reference" IS NULL
    BEGIN
        UPDATE "incidents_ticket" SET "reference" = 'HD-' || NEW."id" WHERE "id" = NEW."id";
    END
    """
]
POSTGRESQL = [
    """
    CREATE OR REPLACE FUNCTION incidents_ticket_reference() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW."reference" IS NULL THEN
            NEW."reference" := 'HD-' || NEW."id";
        END IF;
        RETURN NEW;
    END $$
    """,
    """
    CREATE TRIGGER "incidents_ticket_reference" BEFORE INSERT ON "incidents_ticket"
    FOR EACH ROW EXECUTE FUNCTION incidents_ticket_reference()
    """,
]
DROP = {
    "sqlite": ['DROP TRIGGER IF EXISTS "incidents_ticket_reference"'],
    "postgresql": [
        'DROP TRIGGER IF EXISTS "incidents_ticket_reference" ON "incidents_ticket"',
        "DROP FUNCTION IF EXISTS incidents_ticket_reference()",
    ],
}


def create(apps, schema_editor):
    for sql in {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    for sql in DROP.get(schema_editor.connection.vendor, []):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("incidents", "0028_report_rows")]

    operations = [migrations.RunPython(create, drop)]
