"""Related rows read as JSON inside the query that selects their parent (SQLite and PostgreSQL).

Freezing a clock needs a policy with its calendar's hours and holidays, and an escalation
policy with its levels and their users. Asked row set by row set that is a query each, for
every ticket opened; as JSON columns of the parent row it is one."""

import json

from django.db.models import Aggregate, Func, OuterRef, Subquery, TextField


class JSONList(Aggregate):
    """The aggregated values as one JSON array (text)."""

    function = "JSON_GROUP_ARRAY"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


class JSONRow(Func):
    """The values as one JSON array: a row that the reader unpacks by position."""

    function = "JSON_ARRAY"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSONB_BUILD_ARRAY", **extra_context)


class AsJSON(Func):
    """A JSON column or JSON subquery nested as JSON, not as a string holding JSON (SQLite
    keeps JSON as text; PostgreSQL's jsonb nests as it is)."""

    template = "%(expressions)s"
    output_field = TextField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="JSON(%(expressions)s)")


def json_rows(model, parent, outer, *fields):
    """A subquery: the `model` rows whose `parent` is the outer row's `outer`, as a JSON array
    of [field, …] arrays (in no order); NULL when there is none."""
    rows = (
        model.objects.filter(**{parent: OuterRef(outer)})
        .order_by()
        .values(parent)
        .annotate(rows=JSONList(JSONRow(*fields)))
        .values("rows")
    )
    return Subquery(rows, output_field=TextField())


def loads(value):
    """A `json_rows` column as a list: [] for NULL."""
    return json.loads(value) if value else []
