"""Shared fixtures: people in every role, the three demo tiers, and a ticket factory."""

import contextlib
import fcntl
import itertools
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from dbtools import claims
from helpdesk import cache as shared_cache
from helpdesk import routers
from incidents.models import Membership, Team, Ticket
from tests.tasklog import TaskLog

_usernames = itertools.count(1)


@pytest.fixture(scope="session")
def browser_loop_first(request):
    """In a session that will drive a browser, start Playwright before the test database is
    made: its sync API marks its event loop as the thread's running loop from then on, and with
    a loop running Django's connections are context-local ones (asgiref), not the thread's. The
    database is then created, migrated and serialized through the same connections the tests
    use beside that loop, so serialized_rollback restores the migrations' rows (their groups,
    the intake team, schedules) after every flush, through Django's own path. No ORM code runs
    in a coroutine here, so Django's async-safety check is told so, as Django documents."""
    browsing = any(
        item.get_closest_marker("browser") and not item.get_closest_marker("skip")
        for item in request.session.items
    )
    if browsing:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        request.getfixturevalue("playwright")


@pytest.fixture(scope="session")
def django_db_setup(browser_loop_first, django_db_setup, django_db_blocker):
    """On PostgreSQL the test database commits without waiting for its WAL to reach the disk
    (`synchronous_commit = off`, for every connection to it: this process's, the workers' and
    the servers' the tests start). A commit is as visible and as atomic as before; only a crash
    of the PostgreSQL server could lose the last ones, which a test database never outlives.
    On this machine a commit waited about 2 ms for the disk (2,000 one-row commits: 5.0 s with
    it, 1.0 s without); the tests that commit are the transactional ones and the processes they
    start (qclusters firing levels, gunicorn)."""
    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            name = connection.ops.quote_name(connection.settings_dict["NAME"])
            with connection.cursor() as cursor:
                cursor.execute(f"ALTER DATABASE {name} SET synchronous_commit = off")
                cursor.execute("SET synchronous_commit = off")


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Tests create many users; the production hasher would dominate the run."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


@contextlib.contextmanager
def rows_for_several_tests(django_db_blocker):
    """For a fixture of class or module scope that asks for django_db_setup: rows made once for
    the tests that share it, each of which runs in a savepoint inside this transaction
    (pytest-django's `db`), all rolled back after the last. Made with the password hasher of
    every test (fast_passwords starts later)."""
    fast = override_settings(PASSWORD_HASHERS=FAST_HASHERS)
    with django_db_blocker.unblock(), fast, transaction.atomic():
        try:
            yield
        finally:
            transaction.set_rollback(True)


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
def task_log(monkeypatch):
    """What our code queued on django-q, readable by payload (tests/tasklog.py)."""
    return TaskLog(monkeypatch)


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


def pytest_collection_modifyitems(config, items):
    only_database_tests_on_postgresql(config, items)
    restore_after_every_commit(items)
    with_the_cache_database(items)
    start_the_long_tests_first(items)


def runs_long(item):
    """Many seconds each: real processes (`slow`), migrations (`migrator`), a long property
    (`long`)."""
    return bool(
        item.get_closest_marker("slow")
        or item.get_closest_marker("long")
        or "migrator" in getattr(item, "fixturenames", ())
    )


def start_the_long_tests_first(items):
    """xdist (`--dist load`, Makefile) hands out the collection in its order, each worker
    taking the next tests as it frees up: a long test late in the order starts last and runs
    alone while the other workers wait. Within Django's order (pytest-django sorts the tests
    that roll back, then those that commit, then those without a database; a worker must never
    run one that rolls back after one that committed, which leaves the database flushed), the
    long ones go first, so the short ones fill in around them."""
    items.sort(key=lambda item: (django_order(item), not runs_long(item)))


def django_order(item):
    """pytest-django's order: 0 rolls back, 1 commits, 2 has no database."""
    marker = item.get_closest_marker("django_db")
    fixtures = set(getattr(item, "fixturenames", ()))
    kwargs = marker.kwargs if marker else {}
    committing = kwargs.get("transaction") or kwargs.get("reset_sequences")
    if committing or COMMITTING & fixtures:
        return 1
    return 0 if marker or "db" in fixtures else 2


DATABASE_FIXTURES = {"db", "transactional_db", "live_server", "django_db_setup"}
TEST_DATABASE_FIXTURES = DATABASE_FIXTURES - {"django_db_setup"}


def uses_the_database(item):
    return bool(item.get_closest_marker("django_db")) or bool(
        DATABASE_FIXTURES & set(getattr(item, "fixturenames", ()))
    )


def only_database_tests_on_postgresql(config, items):
    """The PostgreSQL pass (`make test-postgres`) runs the tests that reach the database. A test
    that never does (pytest-django refuses it any query: the domain's arithmetic, parsers,
    settings) gives the same result whatever DATABASE_URL says, and the SQLite pass runs it."""
    if connection.vendor != "postgresql":
        return
    keep, drop = [], []
    for item in items:
        (keep if uses_the_database(item) else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def restore_after_every_commit(items):
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


def with_the_cache_database(items):
    """On SQLite the shared cache has a database of its own (settings.py, helpdesk/routers.py):
    every test that reaches the database reaches it too, as each request counts its throttles
    there, and it rolls back or is flushed with the test as the default database is."""
    alias = routers.cache_database()
    if alias is None:
        return
    for item in items:
        marker = item.get_closest_marker("django_db")
        if not marker and not TEST_DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
            continue  # no database, or one a class-wide fixture opens (django_db_blocker)
        kwargs = dict(marker.kwargs) if marker else {}
        kwargs["databases"] = sorted({*(kwargs.get("databases") or [DEFAULT_DB_ALIAS]), alias})
        args = marker.args if marker else ()
        item.add_marker(pytest.mark.django_db(*args, **kwargs), append=False)


@pytest.fixture
def assert_statements():
    """`with assert_statements(n):` the block sends exactly `n` statements (`at_most=True`: no
    more than `n`) to all databases together: the default and, on SQLite, the cache's own,
    where each API request counts its throttles (django_assert_num_queries sees one)."""

    @contextlib.contextmanager
    def expect(number, at_most=False):
        with contextlib.ExitStack() as stack:
            captured = [
                stack.enter_context(CaptureQueriesContext(connections[a])) for a in connections
            ]
            yield
        sent = [query["sql"] for each in captured for query in each.captured_queries]
        wrong = len(sent) > number if at_most else len(sent) != number
        assert not wrong, f"{len(sent)} statements, not {number}:\n" + "\n".join(sent)

    return expect


@pytest.fixture(autouse=True)
def one_test_per_redis_db(request):
    """A module that names its own Redis database (`REDIS_URL = "redis://…/N"`: its tests
    flush it, or read its lists) holds that database for each of its tests, on a file lock
    every process of this machine shares: the xdist workers of a run (two tests of one module
    may run on two workers at once), and any other run beside it."""
    url = getattr(request.module, "REDIS_URL", None)
    if not url:
        yield
        return
    lock = Path(tempfile.gettempdir()) / f"tierdesk-test-redis-db-{url.rsplit('/', 1)[-1]}.lock"
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # released when the file closes
        yield


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's language. LocaleMiddleware activates a request's language
    in the thread and leaves it there, so a test's German request left the next test in that
    process rendering German (render_to_string without a request takes the active one)."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


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
