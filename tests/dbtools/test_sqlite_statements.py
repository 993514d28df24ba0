"""dbtools.sqlite3's cursor rewrites "%s" placeholders as Django's does, keeping short ones."""

import pytest
from django.db import connection
from django.db.backends.sqlite3.base import SQLiteCursorWrapper
from hypothesis import given
from hypothesis import strategies as st

from dbtools.sqlite3 import base

# Statement text made of the pieces that matter to the rewrite: placeholders, escaped percent
# signs, an escaped literal "%s", quotes and plain words.
PIECES = st.sampled_from(["%s", "%%", "%%s", "%", "'", "?", " ", "a", "(", ", "])


@given(st.lists(PIECES, max_size=40).map("".join))
def test_the_rewrite_is_djangos(query):
    ours = base.Cursor.convert_query(None, query)
    assert ours == SQLiteCursorWrapper.convert_query(None, query)
    assert base.Cursor.convert_query(None, query) == ours  # kept or not, the same answer


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the embedded default only")
@pytest.mark.django_db
def test_named_parameters_are_djangos_too():
    query = "SELECT %(a)s, %(b)s"
    with connection.cursor() as cursor:
        converted = cursor.cursor.convert_query(query, param_names=["a", "b"])
    assert converted == "SELECT :a, :b"


def test_a_short_statement_is_rewritten_once():
    query = "SELECT 1 WHERE 'kept' = %s"
    before = base._kept.cache_info()
    for _ in range(3):
        assert base._qmark(query) == "SELECT 1 WHERE 'kept' = ?"
    after = base._kept.cache_info()
    assert after.misses - before.misses <= 1
    assert after.hits - before.hits >= 2


def test_a_long_statement_is_not_kept():
    query = "SELECT " + ", ".join(["%s"] * 2000)  # a burst's multi-row statement
    before = base._kept.cache_info()
    assert base._qmark(query) == "SELECT " + ", ".join(["?"] * 2000)
    assert base._kept.cache_info().currsize == before.currsize


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the embedded default only")
@pytest.mark.django_db
def test_the_project_uses_this_cursor():
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s, '100%%'", ["yes"])
        assert cursor.fetchone() == ("yes", "100%")
        assert isinstance(cursor.cursor, base.Cursor)
