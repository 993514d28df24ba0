"""Writing many rows in one statement where Django's bulk_create and bulk_update cost more in
Python than the database spends: the engine's bursts write thousands of firing, outbox and
due-time rows a second (issue 11), and building a model instance and compiling an expression
per row and per value was most of that time.

Values are plain Python values keyed by field name (or attname: `ticket_id`). Each is adapted
for the database the way Django adapts it (datetimes and JSON by the backend's own adapters,
the rest as they are); columns a row leaves out take the field's default (now, for auto_now
fields), as bulk_create would.
Only the field types these paths use are accepted, so nothing is written in a form Django
would not write."""

import sqlite3
from dataclasses import dataclass
from functools import lru_cache

from django.db import NotSupportedError, connections, models, router
from django.utils import timezone

PLAIN = (
    models.BinaryField,  # bytes: both drivers write them as a blob (bytea)
    models.BooleanField,
    models.CharField,
    models.ForeignKey,
    models.IntegerField,
    models.TextField,
)


def insert(model, rows, *, skip_conflicts=False, returning_ids=False, using=None):
    """INSERT `rows` (dicts with the same keys) with one executemany; a row whose unique value
    is taken already is skipped when `skip_conflicts` (and only then: any other failure
    raises). `using`: the database, when not the router's for writing `model`.

    `returning_ids`: write them instead in multi-row statements (as many rows a statement as
    the database takes parameters) that return the primary keys of the rows written, in the
    order written (as PostgreSQL and SQLite return them, and as Django's bulk_create assumes);
    a skipped row has none, so with `skip_conflicts` they no longer line up with `rows`.
    Saves reading them back by their unique values."""
    if not rows:
        return [] if returning_ids else None
    connection = connections[using or router.db_for_write(model)]
    names = tuple(rows[0])
    shape = _shape(model, names, connection.alias)
    fixed = tuple(_adapter(f, connection)(_default(f)) for f in shape.defaults)
    tail = " ON CONFLICT DO NOTHING" if skip_conflicts else ""
    # Only datetimes and JSON need adapting; each distinct object is adapted once.
    converted = [(i, _once_per_value(field, connection)) for i, field in shape.adapted]
    params = []
    for row in rows:
        values = [row[name] for name in names]
        for i, adapt in converted:
            values[i] = adapt(values[i])
        params.append((*values, *fixed))
    if not returning_ids:
        with connection.cursor() as cursor:
            cursor.executemany(shape.head + shape.one + tail, params)
        return None
    return _insert_returning_ids(connection, model, shape.head, shape.one, tail, params)


def insert_objects(model, objects, *, using=None):
    """Save new model instances as `insert(returning_ids=True)` writes rows (every concrete
    field but the key), each then given its id and marked saved as bulk_create marks them.
    Where the database returns no ids from a bulk insert (SQLite before 3.35), one save each:
    callers key their work by the ids."""
    alias = using or router.db_for_write(model)
    if not connections[alias].features.can_return_rows_from_bulk_insert:
        for obj in objects:
            obj.save(using=alias, force_insert=True)
        return objects
    if objects:
        names = [f.attname for f in model._meta.concrete_fields if not f.primary_key]
        values = [{name: getattr(obj, name) for name in names} for obj in objects]
        ids = insert(model, values, returning_ids=True, using=alias)
        for obj, pk in zip(objects, ids, strict=True):
            obj.pk, obj._state.adding, obj._state.db = pk, False, alias
    return objects


@dataclass(frozen=True)
class _Shape:
    """What an INSERT of these columns into this table is, whatever its rows."""

    head: str  # INSERT INTO "table" ("column", …) VALUES
    one: str  # one row's placeholders
    defaults: tuple  # the fields the rows leave out, which take their default
    adapted: tuple  # (position, field) of the given values that need adapting


@lru_cache(maxsize=128)
def _shape(model, names, alias):
    """Worked out once per (model, columns, database): finding the fields a row leaves out
    compared every field with every field named, which cost more than the insert itself."""
    connection = connections[alias]
    given = [_field(model, name) for name in names]
    defaults = [f for f in model._meta.concrete_fields if not f.primary_key and f not in given]
    quote = connection.ops.quote_name
    columns = [f.column for f in given] + [f.column for f in defaults]
    head = (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(column) for column in columns)}) VALUES "
    )
    adapted = tuple(
        (i, field) for i, field in enumerate(given) if _adapter(field, connection) is not _as_is
    )
    return _Shape(head, f"({', '.join(['%s'] * len(columns))})", tuple(defaults), adapted)


def _insert_returning_ids(connection, model, head, one, tail, params):
    if not connection.features.can_return_rows_from_bulk_insert:
        raise NotSupportedError("rows: RETURNING needs PostgreSQL or SQLite 3.35 or later")
    returning = f" RETURNING {connection.ops.quote_name(model._meta.pk.column)}"
    limit = _parameter_limit(connection)
    chunk = max(limit // len(params[0]), 1)
    ids = []
    with connection.cursor() as cursor:
        for start in range(0, len(params), chunk):
            part = params[start : start + chunk]
            values = ", ".join([one] * len(part))
            cursor.execute(head + values + tail + returning, [v for row in part for v in row])
            ids += [row[0] for row in cursor.fetchall()]
    return ids


def update_all(model, keys, values, *, where=None):
    """UPDATE the rows with these primary keys to the same `values` ({field: value}), in as
    few statements as the database's parameter limit allows; `where` as in update_each.
    Returns the number of rows changed. (A queryset's `pk__in=` update prepares every key as a
    lookup value: a burst's hundreds of cancelled firings cost milliseconds before the
    database saw them.)"""
    return update_each(model, dict.fromkeys(keys, {}), same=values, where=where)


def update_each(model, changes, *, same=None, where=None):
    """UPDATE each row to its own values in one statement per chunk: `changes` maps a primary
    key to {field: value} (the same fields for every row; none, for update_all), `same` sets
    values every row takes, `where` adds equality conditions (a row that no longer meets them
    is left alone). Returns the number of rows changed."""
    if not changes:
        return 0
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    pk = quote(model._meta.pk.column)
    fields = [(name, _field(model, name)) for name in next(iter(changes.values()))]
    same = {_field(model, name): value for name, value in (same or {}).items()}
    where = {_field(model, name): value for name, value in (where or {}).items()}
    per_row = 2 * len(fields) + 1
    limit = _parameter_limit(connection)
    chunk = max((limit - len(same) - len(where)) // per_row, 1)
    keys, changed = list(changes), 0
    for start in range(0, len(keys), chunk):
        part = keys[start : start + chunk]
        sets, params = [], []
        for name, field in fields:
            adapt = _adapter(field, connection)
            case = f"CASE {pk}{' WHEN %s THEN %s' * len(part)} END"
            if connection.features.requires_casted_case_in_updates:
                case = f"CAST({case} AS {field.db_type(connection)})"
            sets.append(f"{quote(field.column)} = {case}")
            for key in part:
                params += [key, adapt(changes[key][name])]
        for field, value in same.items():
            sets.append(f"{quote(field.column)} = %s")
            params.append(_adapter(field, connection)(value))
        conditions = [f"{pk} IN ({', '.join(['%s'] * len(part))})"]
        params += part
        for field, value in where.items():
            conditions.append(f"{quote(field.column)} = %s")
            params.append(_adapter(field, connection)(value))
        sql = (
            f"UPDATE {quote(model._meta.db_table)} SET {', '.join(sets)} "
            f"WHERE {' AND '.join(conditions)}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            changed += cursor.rowcount
    return changed


def _default(field):
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return timezone.now()
    return field.get_default()


def _field(model, name):
    return model._meta.get_field(name)  # a name or an attname (`ticket_id`)


def _adapter(field, connection):
    if isinstance(field, models.DateTimeField):
        return connection.ops.adapt_datetimefield_value
    if isinstance(field, models.JSONField):
        return lambda value: connection.ops.adapt_json_value(value, field.encoder)
    if isinstance(field, PLAIN):
        return _as_is
    raise TypeError(f"rows: {field!r} is not a field type these writes adapt")


def _as_is(value):
    return value


def _once_per_value(field, connection):
    """The field's adapter, run once per distinct object: rows of a burst share their `now`,
    their anchors and their level's actions (the cache holds the object, so its id stays its
    own). A value declared `shared` is adapted once per process, not once per insert."""
    adapt = _adapter(field, connection)
    seen = {}

    def adapt_once(value):
        known = seen.get(id(value))
        if known is None or known[0] is not value:
            known = _shared.get((id(value), field, connection.alias))
            if known is None or known[0] is not value:
                known = (value, adapt(value))
                if id(value) in _shared_ids:
                    _keep_shared((id(value), field, connection.alias), known)
            seen[id(value)] = known
        return known[1]

    return adapt_once


# Values written to many rows that never change (dbtools.configuration's answers), by id; and
# their adapted forms by (id, field, database). Bounded: an old configuration's are let go.
SHARED_MAX = 256
_shared_ids = {}
_shared = {}


def shared(*values):
    """Declare `values` (JSON values kept and never changed: a policy or calendar snapshot that
    every new clock and firing copies) to be encoded once per process, where each insert
    encoded them again (about 2 % of an API create, issue 29). Returns nothing."""
    if len(_shared_ids) + len(values) > SHARED_MAX:
        _shared_ids.clear()
        _shared.clear()
    for value in values:
        _shared_ids[id(value)] = value


def _keep_shared(key, known):
    if _shared_ids.get(key[0]) is known[0]:
        _shared[key] = known


def _parameter_limit(connection):
    """How many parameters one statement may bind. Django assumes 999 for every SQLite, the
    limit of versions before 3.32; the library in use says its own (32,766 since then, more in
    some builds: taken up to 32,766), so a burst's outbox rows go in one statement or a few,
    not in chunks of 70."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        return min(connection.connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER), 32_766)
    return connection.features.max_query_params or 60_000
