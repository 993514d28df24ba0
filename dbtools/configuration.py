"""Configuration that every ticket opened reads, kept per process until it changes.

Supervisors change teams, the priority matrix, calendars and policies now and then; tickets
are opened all the time, and each one needs what they configured. So a process keeps what it
read, under the configuration's stamp: a random value that database triggers replace, in the
writer's own transaction, on every insert, update, delete (and truncate) of a watched table,
whoever writes it — the admin, a bulk load, raw SQL. One query for the stamp then stands in for
reading the configuration.

A stamp is random, never a counter: a change rolled back takes its stamp with it, and no later
change can come back with the same one, so nothing read under it is ever taken for current.
The stamp is read before what it guards; what was read is at least as new as the stamp it is
kept under. With no stamp row (a flushed test database) nothing is kept.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections

# Models whose rows are configuration. Apps add theirs in AppConfig.ready(); triggers are
# installed after every `migrate` (a table that SQLite rebuilt has lost its triggers).
WATCHED = []
STAMP_TABLE = "incidents_configurationstamp"

_kept = {}  # database alias -> (stamp, {key: value})
_read_once = ContextVar("configuration_read_once", default=None)  # alias -> stamp, in a block


def watch(*models):
    """Count these models' tables as configuration."""
    WATCHED.extend(model for model in models if model not in WATCHED)


def cached(key, load, using="default"):
    """`load()`'s answer for the configuration as it is now: read again only after a watched
    table changed. The answer is shared by every caller until then: never change it."""
    stamp = _stamp(using) if connections[using].vendor in _STATEMENTS else None
    if stamp is None:
        return load()
    kept = _kept.get(using)
    if kept is None or kept[0] != stamp:
        kept = _kept[using] = (stamp, {})
    if key not in kept[1]:
        kept[1][key] = load()
    return kept[1][key]


@contextmanager
def read_once():
    """Within the block, read the stamp once per database: for one piece of work that reads
    several kinds of configuration (opening a ticket reads the intake team, the priority matrix
    and the policies), which then all come from the configuration as it was at the block's
    first read, or newer. A change committed meanwhile is taken by the next block, as it would
    be had the work begun a moment earlier."""
    if _read_once.get() is not None:
        yield
        return
    token = _read_once.set({})
    try:
        yield
    finally:
        _read_once.reset(token)


def _stamp(using):
    block = _read_once.get()
    if block is None:
        return current_stamp(using)
    if using not in block:
        block[using] = current_stamp(using)
    return block[using]


def current_stamp(using="default"):
    with connections[using].cursor() as cursor:
        cursor.execute(f'SELECT "stamp" FROM "{STAMP_TABLE}" WHERE "id" = 1')
        row = cursor.fetchone()
    return row[0] if row else None


def install_triggers(using="default", **kwargs):
    """Create (or re-create) the triggers on every watched table and give the stamp a new value;
    connected to post_migrate."""
    connection = connections[using]
    statements = _STATEMENTS.get(connection.vendor)
    existing = set(connection.introspection.table_names())
    if statements is None or STAMP_TABLE not in existing:
        return
    tables = sorted({model._meta.db_table for model in WATCHED} & existing)
    with connection.cursor() as cursor:
        for sql in statements["setup"]:
            cursor.execute(sql)
        for table in tables:
            for sql in statements["table"](table):
                cursor.execute(sql)


def triggered_tables(using="default"):
    """The tables that have the stamp's trigger (for the tests)."""
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(_STATEMENTS[connection.vendor]["installed"])
        return {row[0] for row in cursor.fetchall()}


_RANDOM = {"sqlite": "lower(hex(randomblob(16)))", "postgresql": "gen_random_uuid()::text"}


def _new_stamp(vendor):
    """Statements giving the stamp a new random value, creating its row if it is missing.

    On SQLite a plain UPDATE, then INSERT … WHERE NOT EXISTS: in a trigger, INSERT OR REPLACE
    would take the conflict policy of the statement that fired it (an INSERT OR IGNORE would
    keep the old stamp)."""
    random = _RANDOM[vendor]
    return [
        f'UPDATE "{STAMP_TABLE}" SET "stamp" = {random} WHERE "id" = 1',
        f'INSERT INTO "{STAMP_TABLE}" ("id", "stamp") SELECT 1, {random} '
        f'WHERE NOT EXISTS (SELECT 1 FROM "{STAMP_TABLE}")',
    ]


def _sqlite_triggers(table):
    body = "; ".join(_new_stamp("sqlite"))
    for op in ("insert", "update", "delete"):
        name = f"configuration_{table}_{op}"
        yield f'DROP TRIGGER IF EXISTS "{name}"'
        yield f'CREATE TRIGGER "{name}" AFTER {op.upper()} ON "{table}" BEGIN {body}; END'


def _postgresql_triggers(table):
    # Once per statement, however many rows it touched.
    yield (
        "CREATE OR REPLACE TRIGGER configuration_changed "
        f'AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" '
        "FOR EACH STATEMENT EXECUTE FUNCTION configuration_changed()"
    )


_POSTGRESQL_FUNCTION = (
    "CREATE OR REPLACE FUNCTION configuration_changed() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN {}; RETURN NULL; END $$"
).format("; ".join(_new_stamp("postgresql")))

_STATEMENTS = {
    "sqlite": {
        "setup": _new_stamp("sqlite"),
        "table": _sqlite_triggers,
        "installed": "SELECT DISTINCT tbl_name FROM sqlite_master "
        "WHERE type = 'trigger' AND name LIKE 'configuration_%'",
    },
    "postgresql": {
        "setup": [_POSTGRESQL_FUNCTION, *_new_stamp("postgresql")],
        "table": _postgresql_triggers,
        "installed": "SELECT DISTINCT event_object_table FROM information_schema.triggers "
        "WHERE trigger_name = 'configuration_changed'",
    },
}
