"""Shared fixtures: people in every role, the three demo tiers, and a ticket factory."""

import itertools
from datetime import UTC, datetime

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dbtools import claims
from helpdesk import cache as shared_cache
from incidents.models import Membership, Team, Ticket

_usernames = itertools.count(1)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Tests create many users; the production hasher would dominate the run."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def make_user(db):
    def make(username=None, *, role="customer", password="pw-Tierdesk-1", **extra):
        username = username or f"user{next(_usernames)}"
        user = User.objects.create_user(username, f"{username}@example.com", password, **extra)
        if role in ("agent", "supervisor"):
            user.groups.add(Group.objects.get(name=f"{role}s"))
        if role == "supervisor":
            user.is_staff = True
            user.save(update_fields=["is_staff"])
        return user

    return make


@pytest.fixture
def teams(db):
    """Service Desk (tier 1, the intake team) → Application Support (tier 2) → Engineering
    (tier 3). The Service Desk is the one the migrations made, or made anew where a
    transactional test emptied the database."""
    eng = Team.objects.create(
        name="Engineering", slug="engineering", tier=3, email="eng@example.com"
    )
    apps = Team.objects.create(
        name="Application Support",
        slug="app-support",
        tier=2,
        escalates_to=eng,
        email="apps@example.com",
    )
    desk, _ = Team.objects.update_or_create(
        slug="service-desk",
        defaults={
            "name": "Service Desk",
            "tier": 1,
            "escalates_to": apps,
            "email": "desk@example.com",
            "is_intake": True,
        },
    )
    return {"desk": desk, "apps": apps, "eng": eng}


@pytest.fixture
def customer(make_user):
    return make_user("alice")


@pytest.fixture
def other_customer(make_user):
    return make_user("bob")


@pytest.fixture
def agent(make_user, teams):
    user = make_user("tier1-agent", role="agent")
    Membership.objects.create(user=user, team=teams["desk"], role="agent")
    return user


@pytest.fixture
def lead(make_user, teams):
    user = make_user("tier1-lead", role="agent")
    Membership.objects.create(user=user, team=teams["desk"], role="lead")
    return user


@pytest.fixture
def tier2_agent(make_user, teams):
    user = make_user("tier2-agent", role="agent")
    Membership.objects.create(user=user, team=teams["apps"], role="agent")
    return user


@pytest.fixture
def supervisor(make_user):
    return make_user("sue", role="supervisor")


@pytest.fixture
def make_ticket(db):
    def make(requester, *, at=None, **fields):
        fields.setdefault("subject", "Printer on fire")
        fields.setdefault("description", "It is, quite literally, on fire.")
        return Ticket.open_ticket(requester=requester, at=at, **fields)

    return make


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def held_after_leaving(ticket, user):
    """Assign `ticket` to `user` as a member of its team, who then leaves the team and keeps it:
    the one way a ticket is held outside its team, as the lifecycle assigns members only."""
    membership, _ = Membership.objects.get_or_create(user=user, team=ticket.team)
    ticket.assign(None, user)
    membership.delete()


COMMITTING = {"transactional_db", "live_server"}


def pytest_collection_modifyitems(items):
    """Every transactional test restores the database's serialized state (serialized_rollback).

    One that does not is flushed at its end with post_migrate, which makes the content types
    and permissions anew under new ids; the next test in that process that restores the state
    then collides with them (UNIQUE django_content_type), whichever file it is in. With every
    transactional test alike, each flush leaves the tables empty and each test starts from the
    state the migrations made (their groups, the intake team, schedules)."""
    for item in items:
        marker = item.get_closest_marker("django_db")
        kwargs = dict(marker.kwargs) if marker else {}
        committing = kwargs.get("transaction") or COMMITTING & set(
            getattr(item, "fixturenames", ())
        )
        if committing and not kwargs.get("serialized_rollback"):
            kwargs.update(transaction=True, serialized_rollback=True)
            args = marker.args if marker else ()
            item.add_marker(pytest.mark.django_db(*args, **kwargs), append=False)


@pytest.fixture(autouse=True)
def no_random_cull(monkeypatch):
    """The shared database cache trims its table through Django's own set on one write in
    CULL_EVERY, drawn at random (helpdesk.cache): a test that counts a request's queries would
    count 4 more once in a while. tests/helpdesk/test_cache.py draws both ways itself."""
    monkeypatch.setattr(shared_cache, "should_cull", lambda: False)


@pytest.fixture(autouse=True)
def fresh_throttles(request):
    """Throttle counters live in the cache, a table of the test database (as in production
    without Redis); each test that reaches the database starts with a clean allowance. Rows a
    test writes in its transaction go with it, but a transactional test commits them."""
    names, marker = request.fixturenames, request.node.get_closest_marker("django_db")
    committed = "transactional_db" in names or "live_server" in names
    committed = committed or bool(marker and marker.kwargs.get("transaction"))
    if committed:
        request.getfixturevalue("transactional_db")
    elif "db" in names:
        request.getfixturevalue("db")
    elif not marker:
        yield
        return
    cache.clear()
    yield
    if committed:  # otherwise the test's rollback takes its rows (after an error, too)
        cache.clear()


@pytest.fixture
def api():
    """A client for a user: `api(user)` authenticates with a token, `api()` is anonymous."""

    def make(user=None):
        client = APIClient()
        if user is not None:
            token, _ = Token.objects.get_or_create(user=user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


@pytest.fixture
def desk_ticket(make_ticket, customer, teams):
    """Alice's ticket, in the Service Desk queue."""
    return make_ticket(customer, team=teams["desk"])


@pytest.fixture
def dead_holders(monkeypatch):
    """Claims' holders judged with injected liveness (dbtools.claims): the names added to the
    returned set are dead processes of this machine, every other holder is alive; looked at on
    every question (no once-a-second pacing)."""
    dead = set()
    monkeypatch.setattr(claims, "watch", claims.Watch(every=0, judge=lambda name: name not in dead))
    return dead
