"""The shared cache's rows (helpdesk.cache): throttle counters and rate limits every web process
reads and writes when there is no Redis."""

from django.db import models
from django.db.models import Q


class CacheEntryQuerySet(models.QuerySet):
    def live(self, now):
        """Entries not expired at `now` (no expiry: kept until deleted or culled)."""
        return self.filter(Q(expires__isnull=True) | Q(expires__gt=now))

    def expired(self, now):
        return self.filter(expires__lte=now)


class CacheEntry(models.Model):
    """One key of the cache: a whole number in `number` (so `incr` adds to it in SQL, in one
    statement), any other value pickled in `value`."""

    # The key is the row's identity: no id column beside it (on SQLite an AUTOINCREMENT id cost
    # every write a second table's row, sqlite_sequence).
    key = models.CharField(max_length=255, primary_key=True)
    value = models.BinaryField(null=True)
    number = models.BigIntegerField(null=True)
    # Indexed for the cull, which drops the entries nearest their end first.
    expires = models.DateTimeField(null=True, db_index=True)

    objects = CacheEntryQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "cache entries"

    def __str__(self):
        return self.key
