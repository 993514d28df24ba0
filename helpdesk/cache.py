"""Django's database cache, with an `incr` two web processes cannot both read before either
writes: the shared cache when there is no Redis (settings.CACHES)."""

import base64
import pickle

from django.core.cache.backends import db
from django.db import connections, router, transaction
from django.utils import timezone


class DatabaseCache(db.DatabaseCache):
    def __init__(self, table, params):
        super().__init__(table, params)
        self.table = table

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
