"""Queries asked on every request, compiled by Django once per process and then only run.

Building and compiling a queryset costs hundreds of microseconds, a few with subqueries or
joins; running the SQL it compiles to costs tens. A `CompiledOnce` builds its queryset once
per database vendor, with a marker in place of each parameter, and later runs the SQL with
the values put where the markers were."""

from django.db import connection


class CompiledOnce:
    """`build(*params)` returns a `values()` or `values_list()` queryset; `rows(*values)` runs
    it for these values, which are text compared with text columns (as the markers are). Rows
    are dicts of the selected columns, or tuples (`as_dicts=False`), converted as the ORM
    converts them (datetimes aware, booleans bool): no model instance."""

    def __init__(self, build, as_dicts=True):
        self.build = build
        self.as_dicts = as_dicts
        self.compiled = {}

    def rows(self, *values):
        compiler, sql, slots, params, converters = self._compiled(len(values))
        params = list(params)
        for position, index in slots:
            params[position] = values[index]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            names = [column[0] for column in cursor.description]
        if converters:
            rows = [tuple(row) for row in compiler.apply_converters(rows, converters)]
        if not self.as_dicts:
            return rows
        return [dict(zip(names, row, strict=True)) for row in rows]

    def _compiled(self, count):
        if connection.vendor not in self.compiled:
            markers = [f"\x00parameter {n}\x00" for n in range(count)]
            compiler = self.build(*markers).query.get_compiler(connection=connection)
            sql, params = compiler.as_sql()
            slots = [(p, markers.index(v)) for p, v in enumerate(params) if v in markers]
            if sorted(index for _p, index in slots) != list(range(count)):
                raise ValueError("every parameter must reach the SQL once, as it was given")
            selected = [column[0] for column in compiler.select[: compiler.col_count]]
            converters = compiler.get_converters(selected)
            self.compiled[connection.vendor] = compiler, sql, slots, params, converters
        return self.compiled[connection.vendor]
