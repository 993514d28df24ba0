"""The shared database cache (no Redis), as BaseCache's contract: what is written reads back
across keys, versions, overwrites and expiry; a read or a write is one statement; incr and add
hold when web processes race (on PostgreSQL); the table is culled past MAX_ENTRIES."""

import functools
import random
import threading
from datetime import timedelta

import pytest
from django.core.cache import cache, caches
from django.core.cache.backends.base import CacheKeyWarning
from django.db import connections, router
from django.utils import timezone

from helpdesk import cache as shared
from helpdesk.models import CacheEntry

pytestmark = pytest.mark.django_db
SHOULD_CULL = shared.should_cull  # as imported, before tests/conftest.py stills it


def entry(key, version=None):
    return CacheEntry.objects.get(key=cache.make_and_validate_key(key, version=version))


def expire(*keys):
    """The keys' values a second past their expiry, as another process would find them."""
    stored = [cache.make_and_validate_key(key) for key in keys]
    past = timezone.now() - timedelta(seconds=1)
    CacheEntry.objects.filter(key__in=stored).update(expires=past)


@pytest.fixture
def cache_queries(django_assert_num_queries):
    """Counts the statements the cache sends to its database (on SQLite, its own file)."""
    alias = router.db_for_write(CacheEntry)
    return functools.partial(django_assert_num_queries, connection=connections[alias])


def test_the_default_cache_is_the_shared_database_one():
    assert isinstance(caches["default"], shared.DatabaseCache)


def test_a_write_and_a_read_are_one_statement_each(cache_queries):
    with cache_queries(1):
        cache.set("throttle_user_7", [1.5, 2.5], 60)
    with cache_queries(1):
        cache.set("throttle_user_7", [3.5], 60)  # an overwrite, in place
    with cache_queries(1):
        assert cache.get("throttle_user_7") == [3.5]
    assert cache.get("throttle_user_8") is None
    assert cache.get("throttle_user_8", "none") == "none"
    assert CacheEntry.objects.count() == 1


def test_many_keys_are_written_and_read_in_one_statement(cache_queries):
    cache.set("throttle_user_7", [1.5], 60)
    with cache_queries(1):
        assert cache.set_many({"throttle_user_7": [2.5], "throttle_replies_7": 3}, 60) == []
    with cache_queries(1):
        found = cache.get_many(["throttle_user_7", "throttle_replies_7", "absent"])
    assert found == {"throttle_user_7": [2.5], "throttle_replies_7": 3}
    with cache_queries(0):
        assert cache.set_many({}) == []
        assert cache.get_many([]) == {}


def test_values_come_back_as_they_went_in():
    values = {"bool": True, "none": None, "big": 2**70, "float": 1.5, "number": -4, "text": "x"}
    cache.set_many(values)
    assert cache.get_many(list(values)) == values
    assert type(cache.get("bool")) is bool
    assert cache.get("none", "default") is None  # a stored None is a value


def test_keys_are_versioned_and_validated():
    cache.set("limit", "one")
    cache.set("limit", "two", version=2)
    assert cache.get("limit") == "one" and cache.get("limit", version=2) == "two"
    assert cache.incr_version("limit") == 2  # version 1's value moves over version 2's
    assert cache.get("limit", version=2) == "one" and cache.get("limit") is None
    with pytest.warns(CacheKeyWarning):
        cache.set("a key with spaces", 1)
    with pytest.warns(CacheKeyWarning):
        cache.get("k" * 251)


def test_timeouts_default_none_and_zero_or_less():
    before = timezone.now()
    cache.set("default", 1)
    cache.set("forever", 2, None)
    assert entry("forever").expires is None
    lasts = entry("default").expires - before
    assert timedelta(seconds=cache.default_timeout - 1) < lasts < timedelta(seconds=302)
    for timeout in (0, -5):
        cache.set("gone", "old", 60)
        cache.set("gone", "new", timeout)
        assert cache.get("gone") is None
    cache.set_many({"default": 3, "forever": 4}, 0)
    assert cache.get_many(["default", "forever"]) == {}


def test_an_expired_value_is_not_read_nor_counted():
    cache.set_many({"throttle_user_7": [1.5], "throttle_user_8": [2.5], "count": 1}, 60)
    expire("throttle_user_7", "count")
    assert cache.get_many(["throttle_user_7", "throttle_user_8"]) == {"throttle_user_8": [2.5]}
    assert cache.get("throttle_user_7", "gone") == "gone"
    assert not cache.has_key("count") and cache.has_key("throttle_user_8")
    with pytest.raises(ValueError):
        cache.incr("count")
    assert not cache.touch("count", 60)
    assert cache.get("count") is None


def test_add_writes_only_where_nothing_live_is(cache_queries):
    with cache_queries(1):
        assert cache.add("window", 0, 60)
    with cache_queries(1):
        assert not cache.add("window", 5, 60)
    assert cache.get("window") == 0
    expire("window")
    assert cache.add("window", "again", 60)
    assert cache.get("window") == "again"
    cache.set("kept", 1, None)
    assert not cache.add("kept", 2)


def test_get_or_set_keeps_what_is_there():
    assert cache.get_or_set("page", lambda: "made", 60) == "made"
    assert cache.get_or_set("page", "other", 60) == "made"


def test_delete_has_key_and_clear():
    cache.set_many({"a": 1, "b": 2, "c": 3})
    assert cache.has_key("a")
    assert cache.delete("a") and not cache.delete("a")
    assert not cache.has_key("a")
    cache.delete_many(["b", "absent"])
    assert cache.get_many(["a", "b", "c"]) == {"c": 3}
    cache.clear()
    assert not CacheEntry.objects.exists()


def test_touch_moves_the_expiry():
    cache.set("session", "x", 1)
    assert cache.touch("session", 600)
    assert entry("session").expires > timezone.now() + timedelta(seconds=590)
    assert cache.touch("session", None)
    assert entry("session").expires is None
    assert cache.touch("session", 0)
    assert cache.get("session") is None
    assert not cache.touch("absent")


def test_incr_counts_in_one_statement_and_keeps_the_expiry(cache_queries):
    cache.set("count", 1, 60)
    ends = entry("count").expires
    with cache_queries(1):
        assert cache.incr("count") == 2
    assert cache.incr("count", 5) == 7
    assert cache.decr("count", 3) == 4
    assert cache.get("count") == 4
    assert entry("count").expires == ends  # a hit does not push the window's end out
    with pytest.raises(ValueError):
        cache.incr("absent")


def test_incr_adds_to_a_value_that_is_not_a_whole_number():
    cache.set("score", 1.5, 60)
    ends = entry("score").expires
    assert cache.incr("score", 2) == 3.5
    assert cache.get("score") == 3.5
    assert entry("score").expires == ends


def test_past_max_entries_the_cull_drops_the_expired_then_the_third_nearest_their_end(
    monkeypatch,
):
    small = shared.DatabaseCache(None, {"OPTIONS": {"MAX_ENTRIES": 9}})
    small.set("forever", 0, None)
    for n in range(12):
        small.set(f"k{n}", n, 60 + n)  # k0 ends first
    expire("k0", "k1")
    monkeypatch.setattr(shared, "should_cull", lambda: True)
    small.set("new", 1, 60)  # 13 entries: 2 expired go, then 11 // 3 = 3
    kept = set(small.get_many(["forever", "new"] + [f"k{n}" for n in range(12)]))
    assert kept == {"forever", "new"} | {f"k{n}" for n in range(5, 12)}
    small.cull()  # 9 entries: not past the max
    assert CacheEntry.objects.count() == 9


def test_about_one_write_in_cull_every_culls(monkeypatch):
    monkeypatch.setattr(shared.random, "randrange", random.Random(20).randrange)
    drawn = sum(SHOULD_CULL() for _ in range(20_000))
    assert 20_000 / shared.CULL_EVERY / 2 < drawn < 20_000 / shared.CULL_EVERY * 2


def race(threads, work):
    """Run `work(n)` in `threads` threads at once, each with its own database connection, as
    web processes do: on PostgreSQL (make test-postgres) and on SQLite alike, where a read then
    a write outside a transaction race as well."""
    start, answers = threading.Barrier(threads), [None] * threads

    def run(n):
        try:
            start.wait()
            answers[n] = work(n)
        finally:
            connections.close_all()  # this thread's: the cache's and the default database's

    workers = [threading.Thread(target=run, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return answers


@pytest.mark.django_db(transaction=True)
def test_processes_counting_at_once_lose_no_count():
    cache.set("count", 0, 600)

    def count(n):
        return [cache.incr("count") for _ in range(50)]

    answers = race(8, count)
    assert cache.get("count") == 8 * 50
    assert sorted(sum(answers, [])) == list(range(1, 401))  # each hit saw its own number


@pytest.mark.django_db(transaction=True)
def test_of_processes_adding_one_key_at_once_exactly_one_wins():
    for round_ in range(10):
        answers = race(8, lambda n, key=f"window-{round_}": cache.add(key, n, 600))
        assert answers.count(True) == 1
        assert cache.get(f"window-{round_}") == answers.index(True)
