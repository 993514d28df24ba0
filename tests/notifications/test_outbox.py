"""The outbox: idempotent fan-out, preferences, rows left to the deadline loop, retries, admin."""

import contextlib
import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_q.conf import Conf

from escalation.redis_broker import RedisDeadlineBroker
from helpdesk.probe import redis as redis_answers
from incidents.models import Membership, Ticket
from notifications import delivery
from notifications.models import Notification, NotificationPreference, Webhook
from notifications.outbox import UserNotice, notify_many, notify_users, notify_webhooks
from tests.mails import deliver
from tests.tasklog import TaskLog

REDIS_URL = "redis://127.0.0.1:6379/6"


@pytest.fixture
def ticket(make_ticket, customer, teams):
    return make_ticket(customer, team=teams["desk"], subject="Mail server unreachable")


@pytest.fixture
def team_of_twenty(teams):
    """Twenty agents of Application Support, made in bulk (hashing 20 passwords is slow)."""
    users = User.objects.bulk_create(
        [
            User(username=f"member{i}", email=f"member{i}@example.com", password="!")
            for i in range(20)
        ]
    )
    agents = Group.objects.get(name="agents")
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=u.pk, group_id=agents.pk) for u in users]
    )
    Membership.objects.bulk_create(
        [Membership(user=u, team=teams["apps"], role="agent") for u in users]
    )
    return list(User.objects.filter(pk__in=[u.pk for u in users]).order_by("pk"))


@pytest.fixture
def database_broker(monkeypatch):
    """django-q's tasks as rows of the outbox's database (the settings without REDIS_URL)."""
    monkeypatch.setattr(Conf, "BROKER_CLASS", "escalation.broker.OrmDeadlineBroker")
    monkeypatch.setattr(Conf, "ORM", "default")


@pytest.fixture
def redis_broker(monkeypatch):
    """django-q's tasks on Redis (the settings with REDIS_URL): the list of this test's own
    they go to."""
    monkeypatch.setattr(Conf, "BROKER_CLASS", "escalation.redis_broker.RedisDeadlineBroker")
    monkeypatch.setattr(Conf, "REDIS", REDIS_URL)
    monkeypatch.setattr(Conf, "DJANGO_REDIS", None)
    monkeypatch.setattr(Conf, "ORM", None)
    monkeypatch.setattr(Conf, "CLUSTER_NAME", f"outbox-test-{uuid.uuid4().hex}")
    queue = RedisDeadlineBroker()
    yield queue
    if redis_answers(REDIS_URL):
        queue.delete_queue()


def test_one_row_per_user_and_rerunning_the_cause_adds_nothing(ticket, agent, lead):
    rows = notify_users(
        "escalated", ticket, [agent, lead, agent], key="firing:7", context={"level": 1}
    )

    assert sorted(n.idempotency_key for n in rows) == sorted(
        [f"firing:7:escalated:user:{agent.pk}:email", f"firing:7:escalated:user:{lead.pk}:email"]
    )
    assert {(n.status, n.channel, n.address) for n in rows} == {
        ("queued", "email", agent.email),
        ("queued", "email", lead.email),
    }
    assert all(n.subject.startswith(f"[{ticket.reference}]") for n in rows)
    assert notify_users("escalated", ticket, [agent, lead], key="firing:7") == []
    assert Notification.objects.filter(idempotency_key__startswith="firing:7:").count() == 2


def test_users_without_email_or_opted_out_are_skipped_unless_forced(
    ticket, agent, lead, tier2_agent
):
    tier2_agent.email = ""
    tier2_agent.save()
    NotificationPreference.objects.create(user=lead, kind="sla_warning", enabled=False)
    NotificationPreference.objects.create(user=agent, kind="breach", enabled=False)

    rows = notify_users("sla_warning", ticket, [agent, lead, tier2_agent], key="firing:1")
    assert [n.recipient for n in rows] == [agent]
    forced = notify_users("sla_warning", ticket, [lead], key="firing:2", force=True)
    assert [n.recipient for n in forced] == [lead]


def test_a_kind_switched_off_and_on_again_is_sent_again(ticket, agent):
    NotificationPreference.switch(agent, "breach", enabled=False)
    assert notify_users("breach", ticket, [agent], key="firing:off") == []

    NotificationPreference.switch(agent, "breach", enabled=True)
    assert [n.recipient for n in notify_users("breach", ticket, [agent], key="firing:on")] == [
        agent
    ]
    assert NotificationPreference.objects.filter(user=agent).count() == 1


def test_agent_kinds_never_reach_a_customer(ticket, customer, agent):
    rows = notify_users("escalated", ticket, [customer, agent], key="firing:3", force=True)

    assert [n.recipient for n in rows] == [agent]


def test_an_unknown_kind_is_refused(ticket, agent):
    with pytest.raises(ValueError):
        notify_users("gossip", ticket, [agent], key="x")


def test_fan_out_to_a_twenty_member_team_costs_the_same_queries_as_to_two(
    ticket, team_of_twenty, django_assert_max_num_queries
):
    def fan_out(users, key):
        fresh = Ticket.objects.get(pk=ticket.pk)  # nothing cached from an earlier call
        with CaptureQueriesContext(connection) as queries:
            rows = notify_users("escalated", fresh, users, key=key, context={"level": 2})
        return len(rows), len(queries)

    two, queries_for_two = fan_out(team_of_twenty[:2], "firing:few")
    twenty, queries_for_twenty = fan_out(team_of_twenty, "firing:many")

    assert (two, twenty) == (2, 20)
    assert queries_for_two == queries_for_twenty
    with django_assert_max_num_queries(9):  # with the delivery task's row (database broker)
        notify_users(
            "escalated", Ticket.objects.get(pk=ticket.pk), team_of_twenty, key="firing:again"
        )


@pytest.mark.parametrize("broker", ["database_broker", "redis_broker"])
def test_a_cause_queues_no_task_its_rows_wait_for_the_deadline_loop(
    request, broker, ticket, agent, lead, django_capture_on_commit_callbacks, monkeypatch
):
    """No task row in the cause's transaction (on SQLite it was a fifth of a create's time
    under the write lock) and nothing told on commit: the deadline loop claims the committed
    rows (delivery.claim_due), once; rolled back, there is nothing to claim."""
    if broker == "redis_broker" and not redis_answers(REDIS_URL):
        pytest.skip(f"needs a Redis server at {REDIS_URL}")
    queue = request.getfixturevalue(broker)
    waiting = set(Notification.objects.values_list("pk", flat=True))  # the ticket's receipt

    queued = TaskLog(monkeypatch)
    with django_capture_on_commit_callbacks() as told:
        rows = notify_users("escalated", ticket, [agent, lead], key="firing:with-rows")
    with contextlib.suppress(RuntimeError), transaction.atomic():
        notify_users("escalated", ticket, [agent], key="firing:rolled-back")
        raise RuntimeError("the change that caused the mail fails")

    assert (queued.calls, told) == ([], [])
    assert queue is None or queue.queue_size() == 0
    assert not Notification.objects.filter(cause="firing:rolled-back").exists()
    claimed = delivery.claim_due()
    assert sorted(claimed) == sorted(waiting | {row.pk for row in rows})
    assert delivery.claim_due() == []  # handed out once


def test_with_the_redis_broker_a_broker_that_is_down_loses_nothing(
    redis_broker, ticket, agent, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with (
        mock.patch("notifications.tasks.async_task", side_effect=ConnectionError) as broker,
        django_capture_on_commit_callbacks(execute=True),
    ):
        [row] = notify_users("escalated", ticket, [agent], key="firing:broker")
    assert broker.call_count == 0  # the cause never waits for the broker

    assert delivery.sweep() >= 1
    row.refresh_from_db()
    assert row.status == "sent"


@pytest.mark.parametrize("returning", [True, False], ids=["RETURNING", "SQLite before 3.35"])
def test_a_cause_handled_again_writes_only_the_rows_it_lacks(
    ticket, agent, lead, monkeypatch, returning
):
    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", returning)
    [first] = notify_users("escalated", ticket, [agent], key="firing:twice")
    again = UserNotice("escalated", ticket, [agent, lead], key="firing:twice")

    ids = notify_many([again], new_cause=True, ids_only=True)

    [added] = Notification.objects.filter(cause="firing:twice").exclude(pk=first.pk)
    assert (added.recipient, ids) == (lead, [added.pk])
    assert Notification.objects.filter(cause="firing:twice").count() == 2


def test_retries_back_off_over_more_than_an_hour_before_giving_up(settings):
    gaps = [delivery.backoff(n) for n in range(1, delivery.max_attempts())]

    assert gaps[0] >= timedelta(seconds=30)
    assert all(later > earlier for earlier, later in zip(gaps, gaps[1:], strict=False))
    assert sum(gaps, timedelta()) > timedelta(hours=1)
    assert delivery.backoff(3) <= timedelta(minutes=2) * 1.25


def test_a_row_that_keeps_failing_fails_after_the_last_attempt(ticket, settings):
    settings.NOTIFICATION_MAX_ATTEMPTS = 3
    settings.WEBHOOK_ALLOW_PRIVATE = True  # nothing listens on 127.0.0.1:9: a temporary failure
    Webhook.objects.create(name="dead", url="http://127.0.0.1:9/", secret="s")
    [row] = notify_webhooks("escalated", ticket, key="firing:dead")

    now = timezone.now()
    for _ in range(3):
        deliver(row.pk, now=now)
        row.refresh_from_db()
        now = row.next_attempt_at

    assert (row.status, row.attempts) == ("failed", 3)
    assert "gave up after 3 attempts" in row.last_error


def test_admin_lists_the_outbox_by_status_and_retries_failed_rows(
    client, supervisor, ticket, agent, lead, django_capture_on_commit_callbacks
):
    failed, sent = notify_users("escalated", ticket, [agent, lead], key="firing:admin")
    Notification.objects.filter(pk=failed.pk).update(
        status="failed", attempts=10, last_error="550 5.1.1 No such user here"
    )
    Notification.objects.filter(pk=sent.pk).update(status="sent")
    client.force_login(supervisor)

    page = client.get("/admin/notifications/notification/", {"status__exact": "failed"})
    assert page.status_code == 200
    assert "550 5.1.1 No such user here" in page.text and agent.email in page.text
    assert lead.email not in page.text
    detail = client.get(f"/admin/notifications/notification/{failed.pk}/change/")
    assert detail.status_code == 200
    # Not yet rendered on the row: the page shows what the mail says all the same.
    assert failed.body == "" and f"{ticket.reference} was escalated to" in detail.text
    assert 'name="body"' not in detail.text  # shown, not editable

    Notification.objects.exclude(pk__in=[failed.pk, sent.pk]).delete()  # the receipt
    client.post(
        "/admin/notifications/notification/",
        {"action": "retry_now", "_selected_action": [failed.pk, sent.pk]},
    )
    failed.refresh_from_db()
    sent.refresh_from_db()
    assert (failed.status, failed.attempts, sent.status) == ("queued", 0, "sent")
    assert delivery.claim_due() == [failed.pk]  # the next look of the deadline loop


def test_with_synchronous_tasks_the_rows_are_delivered_on_commit(
    ticket, agent, monkeypatch, mailoutbox, django_capture_on_commit_callbacks
):
    """Q_CLUSTER `sync` runs no cluster, so no deadline loop: the rows go out on commit."""
    monkeypatch.setattr(Conf, "SYNC", True)
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        [row] = notify_users("escalated", ticket, [agent], key="firing:sync")
    row.refresh_from_db()
    assert row.status == "sent"
    assert [message.to for message in mailoutbox] == [[agent.email]]
