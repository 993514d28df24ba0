"""Where the shared cache's table lives: the `cache` database when settings define one (on
SQLite, the database's companion file, settings.py), else the default database.

The cache's every write (each API request's throttle counters) then takes the companion
file's write lock, not the one the ticket transactions queue on. Only the cache's table is
migrated there; the default database keeps its own copy of the table, empty and unused, so a
deployment can move between the two (Redis, PostgreSQL) without a migration of its own.
"""

from pathlib import PurePath

from django.conf import settings

CACHE_DATABASE = "cache"
CACHE_MODEL = "helpdesk.cacheentry"  # Model._meta.label_lower


def companion_path(name):
    """The cache's file beside a SQLite database's: `db.sqlite3` -> `db-cache.sqlite3`.

    The mark goes before the suffix, so a name that gets a suffix of its own later (the test
    runner's `_gw0` per xdist worker) and the companion of that name agree."""
    path = PurePath(str(name))
    return str(path.with_name(f"{path.stem}-cache{path.suffix}"))


def cache_database():
    """The alias the cache's table is read and written on."""
    return CACHE_DATABASE if CACHE_DATABASE in settings.DATABASES else None


class CacheRouter:
    """Routes the cache's table, and nothing else, to the cache database. Installed only when
    settings define that database: Django asks every router about every query."""

    def db_for_read(self, model, **hints):
        return CACHE_DATABASE if model._meta.label_lower == CACHE_MODEL else None

    db_for_write = db_for_read

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        if db != CACHE_DATABASE:
            return None
        return f"{app_label}.{model_name}" == CACHE_MODEL
