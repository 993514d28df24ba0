"""`manage.py migrate`, which also migrates the cache's companion database (settings.py, on
SQLite): one command for operators and `make run`, as before the cache had a file of its own.

Only when the database being migrated is `default` and the cache database is its companion
file. The test runner migrates each test database by its alias, the cache's too, while the
other alias still names the real file: the companion check keeps it away from that file."""

from django.core.management.commands import migrate
from django.db import DEFAULT_DB_ALIAS, connections

from helpdesk.routers import cache_database, companion_path


class Command(migrate.Command):
    def handle(self, *args, **options):
        super().handle(*args, **options)
        alias = cache_database()
        if options["database"] != DEFAULT_DB_ALIAS or alias is None:
            return
        if connections[alias].settings_dict["NAME"] != companion_path(
            connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]
        ):
            return
        if options["verbosity"] >= 1:
            self.stdout.write(self.style.MIGRATE_HEADING(f"The cache's database ({alias}):"))
        super().handle(*args, **{**options, "database": alias})
