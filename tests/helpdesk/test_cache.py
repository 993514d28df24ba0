"""The shared database cache (no Redis): a write is one statement, and it reads back what it
wrote, across keys, overwrites and expiry; incr keeps counting."""

import random

import pytest
from django.core.cache import cache, caches

from helpdesk import cache as shared

pytestmark = pytest.mark.django_db
SHOULD_CULL = shared.should_cull  # as imported, before tests/conftest.py stills it


def test_the_default_cache_is_the_shared_database_one():
    assert isinstance(caches["default"], shared.DatabaseCache)


def test_a_write_is_one_statement_and_reads_back(django_assert_num_queries):
    with django_assert_num_queries(1):
        cache.set("throttle_user_7", [1.5, 2.5], 60)
    with django_assert_num_queries(1):
        cache.set("throttle_user_7", [3.5], 60)  # an overwrite, in place
    assert cache.get("throttle_user_7") == [3.5]
    assert cache.get("throttle_user_8") is None


def test_many_keys_are_written_in_one_statement(django_assert_num_queries):
    cache.set("throttle_user_7", [1.5], 60)
    with django_assert_num_queries(1):
        assert cache.set_many({"throttle_user_7": [2.5], "throttle_replies_7": [3.5]}, 60) == []
    assert cache.get_many(["throttle_user_7", "throttle_replies_7"]) == {
        "throttle_user_7": [2.5],
        "throttle_replies_7": [3.5],
    }
    with django_assert_num_queries(0):
        assert cache.set_many({}) == []


def test_an_expired_or_zero_timeout_value_is_gone_and_none_keeps_it():
    cache.set("gone", "x", 0)
    assert cache.get("gone") is None
    cache.set("kept", "y", None)
    assert cache.get("kept") == "y"


def test_incr_counts_on_a_value_set_in_one_statement():
    cache.set("count", 1, 60)
    assert cache.incr("count") == 2
    assert cache.incr("count", 5) == 7
    assert cache.get("count") == 7


def test_one_write_in_cull_every_is_djangos_own(monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(shared, "should_cull", lambda: True)
    with django_assert_num_queries(5):  # Django's: count the rows, read, write, savepoint
        cache.set("via-django", "z", 60)
    assert cache.get("via-django") == "z"


def test_about_one_write_in_cull_every_culls(monkeypatch):
    monkeypatch.setattr(shared.random, "randrange", random.Random(20).randrange)
    drawn = sum(SHOULD_CULL() for _ in range(20_000))
    assert 20_000 / shared.CULL_EVERY / 2 < drawn < 20_000 / shared.CULL_EVERY * 2


def test_a_value_past_its_expiry_is_not_read():
    """A throttle's history a second past its expiry is not read back (Django's get_many)."""
    from datetime import timedelta

    from django.db import connection
    from django.utils import timezone

    cache.set_many({"throttle_user_7": [1.5], "throttle_user_8": [2.5]}, 60)
    past = connection.ops.adapt_datetimefield_value(
        (timezone.now() - timedelta(seconds=1)).replace(microsecond=0)
    )
    key = cache.make_and_validate_key("throttle_user_7")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE tierdesk_cache SET expires = %s WHERE cache_key = %s", [past, key])
    assert cache.get_many(["throttle_user_7", "throttle_user_8"]) == {"throttle_user_8": [2.5]}
    assert cache.get("throttle_user_7", "gone") == "gone"
