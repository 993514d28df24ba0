"""Django's database cache, with an `incr` two web processes cannot both read before either
writes, and `set` and `set_many` in one statement each: the shared cache when there is no Redis
(settings.CACHES).

Every API request counts itself against its throttles here, so a write costs what it must: one
INSERT … ON CONFLICT DO UPDATE (SQLite 3.24+, PostgreSQL), where Django's own set counts the
table's rows, reads the key and updates it in a savepoint (5 queries). The table is trimmed on
one write in CULL_EVERY, by Django's own set."""

import base64
import pickle
import random
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache.backends import db
from django.db import connections, router, transaction
from django.utils import timezone

CULL_EVERY = 200


def should_cull():
    """One write in CULL_EVERY goes through Django's own set, which trims the table."""
    return random.randrange(CULL_EVERY) == 0


class DatabaseCache(db.DatabaseCache):
    def __init__(self, table, params):
        super().__init__(table, params)
        self.table = table

    def set(self, key, value, timeout=db.DEFAULT_TIMEOUT, version=None):
        if should_cull():
            return super().set(key, value, timeout, version)  # counts rows, culls past the max
        self._upsert({key: value}, timeout, version)

    def set_many(self, data, timeout=db.DEFAULT_TIMEOUT, version=None):
        """Every key in one statement (a request's throttles write theirs together)."""
        if should_cull():
            return super().set_many(data, timeout, version)
        if data:
            self._upsert(data, timeout, version)
        return []

    def _upsert(self, data, timeout, version):
        alias = router.db_for_write(self.cache_model_class)
        connection = connections[alias]
        table, quote = connection.ops.quote_name(self.table), connection.ops.quote_name
        seconds = self.get_backend_timeout(timeout)  # an instant (time.time() + timeout) or None
        expires = datetime.max if seconds is None else datetime.fromtimestamp(seconds, tz=UTC)
        if not settings.USE_TZ:
            expires = expires.replace(tzinfo=None)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        params = []
        for key, value in data.items():
            stored = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            params += [self.make_and_validate_key(key, version=version), stored, expires]
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({quote('cache_key')}, {quote('value')}, {quote('expires')}) "
                f"VALUES {', '.join(['(%s, %s, %s)'] * len(data))} "
                f"ON CONFLICT ({quote('cache_key')}) DO UPDATE SET "
                f"{quote('value')} = excluded.{quote('value')}, "
                f"{quote('expires')} = excluded.{quote('expires')}",
                params,
            )

    def incr(self, key, delta=1, version=None):
        """Add `delta` to a counter under a row lock (SQLite: the write lock), keeping its expiry.

        Django's own reads, then writes with the default timeout: two processes counting at once
        both wrote the same number, and every hit pushed the window's end further out."""
        key = self.make_and_validate_key(key, version=version)
        alias = router.db_for_write(self.cache_model_class)
        connection = connections[alias]
        table, quote = connection.ops.quote_name(self.table), connection.ops.quote_name
        now = connection.ops.adapt_datetimefield_value(timezone.now().replace(microsecond=0))
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {quote('value')} FROM {table} WHERE {quote('cache_key')} = %s "
                f"AND {quote('expires')} >= %s{lock}",
                [key, now],
            )
            row = cursor.fetchone()
            if row is None:
                raise ValueError(f"Key '{key}' not found.")
            value = pickle.loads(base64.b64decode(row[0].encode())) + delta
            stored = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            cursor.execute(
                f"UPDATE {table} SET {quote('value')} = %s WHERE {quote('cache_key')} = %s",
                [stored, key],
            )
        return value
