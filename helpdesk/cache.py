"""The shared cache when there is no Redis (settings.CACHES): a cache backend of our own
(Django's documented extension point, BaseCache) on a table of our own (CacheEntry).

Every API request counts itself against its throttles here, and several web processes count in
the same rows, so each operation is one statement where Django's database cache sent several
(its set: count the rows, read the key, write it in a savepoint) or raced (its incr read the
value and wrote it back, so two processes counting at once both wrote the same number, and
every hit pushed the expiry out):

- get, get_many: one SELECT of the keys not expired;
- set, set_many: one INSERT … ON CONFLICT DO UPDATE;
- add: one INSERT … ON CONFLICT DO UPDATE … WHERE the old entry has expired, RETURNING:
  of two processes adding a key, the one that got a row back won;
- incr, decr: one UPDATE … SET number = number + delta … RETURNING on a whole number (its own
  column), keeping the key's expiry;
- has_key, touch, delete, delete_many, clear: one query each, through the ORM.

An expired entry is never read, and stays until a write replaces it or the cull drops it. On
about one write in CULL_EVERY, past MAX_ENTRIES the expired entries go, then the third nearest
their end (Django's database cache culls the same way, but drops the first third by key)."""

import pickle
import random
from datetime import UTC, datetime
from itertools import chain

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.db import connections, router, transaction
from django.db.models import F
from django.utils import timezone

from .models import CacheEntry

CULL_EVERY = 200
# What the `number` column holds (a 64-bit integer); any other value is pickled.
BIGINT = range(-(2**63), 2**63)
COLUMNS = ("key", "value", "number", "expires")
# Hand-written statements: the read and the write every API request sends (its throttles'),
# where the ORM's queryset and bulk_create sent the same one statement for 4-5 times the CPU
# (115 -> 565 us a read of two keys, 93 -> 405 us a write, SQLite; docs/benchmarks.md), and
# the two the ORM cannot send as one: an upsert that tells whether it wrote, and an UPDATE
# that returns the new value (RETURNING: SQLite 3.35+, PostgreSQL).
BATCH = 500  # keys in one statement, far under SQLite's and PostgreSQL's limits on parameters
GET = (
    "SELECT {key}, {number}, {value} FROM {table} WHERE {key} IN ({keys}) "
    "AND ({expires} IS NULL OR {expires} > %s)"
)
SET = (
    "INSERT INTO {table} ({key}, {value}, {number}, {expires}) VALUES {rows} "
    "ON CONFLICT ({key}) DO UPDATE SET {value} = excluded.{value}, "
    "{number} = excluded.{number}, {expires} = excluded.{expires}"
)
ADD = (
    "INSERT INTO {table} ({key}, {value}, {number}, {expires}) VALUES (%s, %s, %s, %s) "
    "ON CONFLICT ({key}) DO UPDATE SET {value} = excluded.{value}, "
    "{number} = excluded.{number}, {expires} = excluded.{expires} "
    "WHERE {table}.{expires} <= %s RETURNING {key}"
)
INCR = (
    "UPDATE {table} SET {number} = {number} + %s WHERE {key} = %s AND {number} IS NOT NULL "
    "AND ({expires} IS NULL OR {expires} > %s) RETURNING {number}"
)


def should_cull():
    """About one write in CULL_EVERY trims the table first (a count; past the max, 3 more)."""
    return random.randrange(CULL_EVERY) == 0


class DatabaseCache(BaseCache):
    pickle_protocol = pickle.HIGHEST_PROTOCOL

    def __init__(self, location, params):
        super().__init__(params)  # no LOCATION: the table is CacheEntry's

    def get(self, key, default=None, version=None):
        return self.get_many([key], version=version).get(key, default)

    def get_many(self, keys, version=None):
        keys = {self.make_and_validate_key(key, version=version): key for key in keys}
        connection, names = _statement_names()
        now = _instant(connection, timezone.now())
        found = {}
        with connection.cursor() as cursor:
            for some in _batches(list(keys)):
                cursor.execute(
                    GET.format(**names, keys=", ".join(["%s"] * len(some))), some + [now]
                )
                found.update((keys[key], _loaded(number, value)) for key, number, value in cursor)
        return found

    def has_key(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        return CacheEntry.objects.live(timezone.now()).filter(key=key).exists()

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self.set_many({key: value}, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        """Every key in one statement (a request's throttles write theirs together)."""
        data = {self.make_and_validate_key(key, version=version): v for key, v in data.items()}
        if not data:
            return []
        connection, names = _statement_names()
        expires = _instant(connection, self._expires(timeout))  # 0 or less: written expired
        self._cull_now_and_then()
        rows = [(key, *_columns(value), expires) for key, value in data.items()]
        with connection.cursor() as cursor:
            for some in _batches(rows):
                values = ", ".join(["(%s, %s, %s, %s)"] * len(some))
                cursor.execute(SET.format(**names, rows=values), list(chain.from_iterable(some)))
        return []

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        """Write `value` unless the key holds one that has not expired; True if written. One
        statement, so of two processes adding the same key exactly one gets True."""
        key = self.make_and_validate_key(key, version=version)
        self._cull_now_and_then()
        connection, names = _statement_names()
        expires, now = self._expires(timeout), timezone.now()
        params = [key, *_columns(value), _instant(connection, expires), _instant(connection, now)]
        with connection.cursor() as cursor:
            cursor.execute(ADD.format(**names), params)
            return cursor.fetchone() is not None

    def incr(self, key, delta=1, version=None):
        """Add `delta` to a live key's number in one UPDATE, keeping its expiry; ValueError when
        the key is missing or expired, as Django's backends raise."""
        stored = self.make_and_validate_key(key, version=version)
        connection, names = _statement_names()
        now = _instant(connection, timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(INCR.format(**names), [delta, stored, now])
            row = cursor.fetchone()
        if row is not None:
            return row[0]
        return self._incr_pickled(key, stored, delta)

    def _incr_pickled(self, key, stored, delta):
        """A value that is not a whole number (a float, say): read and written under the row's
        lock (SQLite: the write lock an IMMEDIATE transaction takes at BEGIN)."""
        alias = router.db_for_write(CacheEntry)
        with transaction.atomic(using=alias):
            entries = CacheEntry.objects.using(alias).live(timezone.now()).filter(key=stored)
            entry = entries.select_for_update().first()
            if entry is None:
                raise ValueError(f"Key '{key}' not found.")
            value = _loaded(entry.number, entry.value) + delta
            pickled, number = _columns(value)
            entries.update(value=pickled, number=number)
        return value

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        entries = CacheEntry.objects.live(timezone.now()).filter(key=key)
        return entries.update(expires=self._expires(timeout)) > 0

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        return self._delete([key]) > 0

    def delete_many(self, keys, version=None):
        self._delete([self.make_and_validate_key(key, version=version) for key in keys])

    def clear(self):
        CacheEntry.objects.all().delete()

    def _delete(self, keys):
        return CacheEntry.objects.filter(key__in=keys).delete()[0] if keys else 0

    def _expires(self, timeout):
        """The instant a value written now with `timeout` expires; None: never."""
        instant = self.get_backend_timeout(timeout)  # time.time() + timeout, or None
        return None if instant is None else datetime.fromtimestamp(instant, tz=UTC)

    def _cull_now_and_then(self):
        if should_cull():
            self.cull()

    def cull(self):
        """Past MAX_ENTRIES, drop the expired entries, then the third nearest their end (those
        kept forever last), as Django's database cache culls."""
        entries = CacheEntry.objects.all()
        if entries.count() <= self._max_entries:
            return
        if self._cull_frequency == 0:  # Django's meaning: empty the cache
            return self.clear()
        entries.expired(timezone.now()).delete()
        count = entries.count()
        if count > self._max_entries:
            first = entries.order_by(F("expires").asc(nulls_last=True)).values("pk")
            entries.filter(pk__in=first[: count // self._cull_frequency]).delete()


def _statement_names():
    """The connection of the cache's database (reads too: they must see what was written), and
    the quoted names of the table and its columns."""
    connection = connections[router.db_for_write(CacheEntry)]
    quote, meta = connection.ops.quote_name, CacheEntry._meta
    names = {name: quote(meta.get_field(name).column) for name in COLUMNS}
    return connection, {"table": quote(meta.db_table), **names}


def _instant(connection, instant):
    """A datetime as the `expires` column takes it (None stays NULL: never)."""
    field = CacheEntry._meta.get_field("expires")
    return None if instant is None else field.get_db_prep_value(instant, connection)


def _columns(value):
    """`value` as its two columns: a whole number in `number`, anything else pickled in
    `value`."""
    if type(value) is int and value in BIGINT:
        return None, value
    return pickle.dumps(value, DatabaseCache.pickle_protocol), None


def _batches(items):
    return [items[start : start + BATCH] for start in range(0, len(items), BATCH)]


def _loaded(number, value):
    return number if number is not None else pickle.loads(value)
