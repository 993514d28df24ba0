"""A query compiled once answers as the ORM does, for whatever values it is run with."""

import pytest
from django.contrib.auth import get_user_model

from incidents.compiled import CompiledOnce
from incidents.models import Team

pytestmark = pytest.mark.django_db

USERS = CompiledOnce(
    lambda name, email: (
        get_user_model()
        .objects.filter(username=name, email=email, is_active=True)
        .values("username", "is_staff", "date_joined")
    )
)


def test_each_run_takes_its_own_values_and_converts_as_the_orm(make_user):
    make_user("alice")
    make_user("bob", is_staff=True)
    for name in ("alice", "bob", "nobody"):
        expected = list(
            get_user_model()
            .objects.filter(username=name, is_active=True)
            .values("username", "is_staff", "date_joined")
        )
        assert USERS.rows(name, f"{name}@example.com") == expected
    [alice] = USERS.rows("alice", "alice@example.com")
    assert alice["is_staff"] is False and alice["date_joined"].tzinfo is not None
    assert USERS.rows("alice", "bob@example.com") == []


def test_tuples_when_asked(teams):
    tiers = CompiledOnce(
        lambda slug: Team.objects.filter(slug=slug).values_list("slug", "tier"), as_dicts=False
    )
    assert tiers.rows("app-support") == [("app-support", 2)]
    assert tiers.rows("engineering") == [("engineering", 3)]


def test_a_parameter_that_does_not_reach_the_sql_is_refused(db):
    unused = CompiledOnce(lambda slug: Team.objects.values("slug"))
    with pytest.raises(ValueError, match="every parameter"):
        unused.rows(1)
