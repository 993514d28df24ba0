"""The migrator of django-test-migrations, putting the database back by copy, not by migrating.

Its own `migrator` runs `migrate` after each test to bring the schema back to the newest
migrations: every migration after the test's targets again, 10-19 s a test on SQLite. The
database the migrations made is the same each time, so it is copied once per process (before
the first migration test changes it) and copied back after each one, which gives the same
schema, triggers and migration records. The transactional teardown then empties the tables and
the next test restores its rows, as before.
"""

import sqlite3

import psycopg
import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connection


class SQLiteCopy:
    """The whole database file, copied page by page (SQLite's online backup)."""

    def __init__(self):
        connection.ensure_connection()
        self.copy = sqlite3.connect(":memory:")
        connection.connection.backup(self.copy)

    def restore(self):
        connection.ensure_connection()
        self.copy.backup(connection.connection)

    def drop(self):
        self.copy.close()


class PostgreSQLCopy:
    """A database made from the migrated one as its template, and the other way back."""

    def __init__(self):
        self.name = connection.settings_dict["NAME"]
        self.copy = f"{self.name}_migrated"
        self._run(f"DROP DATABASE IF EXISTS {self._quote(self.copy)}")
        self._run(f"CREATE DATABASE {self._quote(self.copy)} TEMPLATE {self._quote(self.name)}")

    def restore(self):
        name = self._quote(self.name)
        self._run(f"DROP DATABASE {name} WITH (FORCE)")
        self._run(f"CREATE DATABASE {name} TEMPLATE {self._quote(self.copy)}")
        # A database's own settings stay with it, not with its template (tests/conftest.py).
        self._run(f"ALTER DATABASE {name} SET synchronous_commit = off")

    def drop(self):
        self._run(f"DROP DATABASE IF EXISTS {self._quote(self.copy)} WITH (FORCE)")

    def _quote(self, name):
        return connection.ops.quote_name(name)

    def _run(self, sql):
        connection.close()  # a template, and a database dropped, must have no session on it
        settings = connection.settings_dict
        server = {"user": settings["USER"], "password": settings["PASSWORD"]}
        server |= {"host": settings["HOST"], "port": settings["PORT"]}
        with psycopg.connect(
            dbname="postgres", autocommit=True, **{k: v for k, v in server.items() if v}
        ) as maintenance:
            maintenance.execute(sql)


@pytest.fixture(scope="session")
def migrated_copy(django_db_setup, django_db_blocker):
    """The migrated test database as it stood before this process's first migration test."""
    made = []

    def take():
        if not made:
            with django_db_blocker.unblock():
                kind = SQLiteCopy if connection.vendor == "sqlite" else PostgreSQLCopy
                made.append(kind())
        return made[0]

    yield take
    if made:
        with django_db_blocker.unblock():
            made[0].drop()


@pytest.fixture
def migrator(transactional_db, django_db_use_migrations, migrated_copy):
    """django-test-migrations' Migrator on the default database, put back by copy afterwards."""
    from django_test_migrations.migrator import Migrator

    if not django_db_use_migrations:
        pytest.skip("--nomigrations was specified")
    copy = migrated_copy()
    yield Migrator(DEFAULT_DB_ALIAS)
    copy.restore()
    ContentType.objects.clear_cache()  # ids the historical models' rows may have left in it
