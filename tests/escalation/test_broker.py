"""The deadline brokers hand out due firings from the pusher's dequeue loop, on both brokers."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.conf import Conf

from escalation import broker as deadline
from escalation.models import Firing
from escalation.redis_broker import RedisDeadlineBroker
from helpdesk.probe import redis as redis_answers
from notifications.models import Notification

pytestmark = pytest.mark.django_db
REDIS_URL = "redis://127.0.0.1:6379/14"


def broker_factory(kind, monkeypatch, redis_url, list_key):
    """Makes a fresh deadline broker of `kind` ("orm" or "redis", on `redis_url`)."""
    if kind == "orm":
        return lambda: deadline.OrmDeadlineBroker(list_key=list_key)
    if not redis_answers(redis_url):
        pytest.skip(f"Redis broker test needs a Redis server at {redis_url}")
    monkeypatch.setattr(Conf, "REDIS", redis_url)
    monkeypatch.setattr(Conf, "DJANGO_REDIS", None)

    def make():
        made = RedisDeadlineBroker(list_key=list_key)
        made.delete_queue()
        made.firings.delete_queue()
        return made

    return make


@pytest.fixture(params=["orm", "redis"])
def make_broker(request, monkeypatch):
    return broker_factory(request.param, monkeypatch, REDIS_URL, "deadline-test")


def ordinary_tasks(task_log, queue):
    """The tasks waiting on `queue`'s ordinary list, taken by a stock broker of its kind (its
    public dequeue: the deadline broker's own would look for due work first)."""
    return task_log.taken(queue.stock(list_key=queue.name).dequeue())


def fire_tasks(task_log, task_set):
    return task_log.taken(task_set, "escalation.tasks.fire_firings")


def test_a_due_firing_is_claimed_and_handed_out_as_a_task(make_broker, due_firing, task_log):
    queue = make_broker()
    tasks = fire_tasks(task_log, queue.dequeue())
    due_firing.refresh_from_db()
    # The task carries the claim's token, which the worker that runs it adopts.
    assert [t["args"] for t in tasks] == [([due_firing.pk], due_firing.claimed_by)]
    assert due_firing.state == "claimed" and due_firing.claimed_until > timezone.now()
    # Another pusher (or the next loop) does not hand the same firing out again.
    queue._next_check = 0
    assert fire_tasks(task_log, queue.dequeue()) == []


def test_nothing_is_handed_out_before_it_is_due(make_broker, due_firing, task_log):
    Firing.objects.filter(pk=due_firing.pk).update(due_at=timezone.now() + timedelta(hours=1))
    assert fire_tasks(task_log, make_broker().dequeue()) == []
    assert Firing.objects.get(pk=due_firing.pk).state == "pending"


def test_an_expired_claim_is_handed_out_again(make_broker, due_firing, task_log):
    Firing.objects.filter(pk=due_firing.pk).update(
        state="claimed", claimed_by="dead-worker", claimed_until=timezone.now() - timedelta(1)
    )
    tasks = fire_tasks(task_log, make_broker().dequeue())
    assert [t["args"][0] for t in tasks] == [[due_firing.pk]]
    assert Firing.objects.get(pk=due_firing.pk).claimed_by != "dead-worker"


def receipts_sent():
    """The ticket's receipt went out: only the firing waits for the loop."""
    Notification.objects.update(status=Notification.Status.SENT)


def test_a_due_firing_is_handed_out_before_tasks_queued_earlier(make_broker, due_firing, task_log):
    receipts_sent()
    queue = make_broker()
    queue._next_check = time.monotonic() + 60  # no firing check on the first reads
    for n in range(3):
        task_log.async_task("math.floor", n, broker=queue, save=False)
    queue._next_check = 0

    first = [task_log.read(payload)["func"] for _, payload in queue.dequeue()]

    assert first == ["escalation.tasks.fire_firings"]
    assert queue.queue_size() == 3  # the mail and other tasks wait their turn, none lost
    later = []
    while len(later) < 3:
        later += [task_log.read(payload)["func"] for _, payload in queue.dequeue() or []]
    assert later == ["math.floor"] * 3


def test_a_task_that_cannot_be_queued_lets_its_claim_go_and_the_pusher_lives_on(
    make_broker, due_firing, caplog, task_log
):
    """Protection: DeadlineMixin._release catches the failed enqueue and lets the claims go.
    Checked: with async_task outside the try again, release_due raised ConnectionError."""
    receipts_sent()
    queue = make_broker()

    def down(package):
        raise ConnectionError("the broker is down")

    queue.firings.enqueue = down
    for _ in range(3):  # an outage: the pusher goes on, and says so once
        queue._next_check = 0
        assert queue.release_due() == 0
    due_firing.refresh_from_db()
    assert due_firing.state == "claimed" and due_firing.claimed_until <= timezone.now()
    assert Firing.objects.claimable(timezone.now()).filter(pk=due_firing.pk).exists()  # not 120 s
    failures = [r for r in caplog.records if r.name == "escalation.broker" and r.levelno >= 40]
    assert len(failures) == 1

    del queue.firings.enqueue  # the broker is back: the next check queues it
    queue._next_check = 0
    assert [t["args"][0] for t in fire_tasks(task_log, queue.dequeue())] == [[due_firing.pk]]


def test_a_failed_mail_is_queued_again_at_its_retry_time_on_the_ordinary_list(
    make_broker, make_ticket, customer, teams, task_log
):
    """Protection: escalation.apps registers delivery.claim_due with the deadline loop.
    Checked: without that registration the retry was not queued (only the minute sweep sent it)."""
    make_ticket(customer, team=teams["desk"])
    [receipt] = Notification.objects.all()
    now = timezone.now()
    Notification.objects.filter(pk=receipt.pk).update(
        attempts=1, next_attempt_at=now + timedelta(minutes=1)
    )
    queue = make_broker()
    assert queue.release_due() == 0  # not yet

    Notification.objects.filter(pk=receipt.pk).update(next_attempt_at=now - timedelta(seconds=1))
    queue._next_check, queue._looked = 0, {}
    assert queue.release_due() == 1
    assert queue.firings.queue_size() == 0  # the urgent list is the levels' and pages'
    [task] = ordinary_tasks(task_log, queue)
    receipt.refresh_from_db()
    assert (task["func"], task["args"]) == (
        "notifications.tasks.deliver",
        ([receipt.pk], receipt.claimed_by),
    )


def test_a_new_mail_is_queued_by_the_loop_at_once_in_one_task_on_the_ordinary_list(
    make_broker, make_ticket, customer, teams, task_log
):
    """Protection: delivery.claim_due hands out rows of their first attempt too (a create
    queues no task of its own). Checked: with retries only (attempts > 0), nothing was queued."""
    for n in range(3):
        make_ticket(customer, team=teams["desk"], subject=f"Printer {n}")
    receipts = sorted(Notification.objects.values_list("pk", flat=True))
    queue = make_broker()

    assert queue.release_due() == 3
    assert queue.firings.queue_size() == 0  # the urgent list is the levels' and pages'
    [task] = ordinary_tasks(task_log, queue)
    assert task["func"] == "notifications.tasks.deliver" and sorted(task["args"][0]) == receipts
    assert set(Notification.objects.values_list("claimed_by", flat=True)) == {task["args"][1]}
    queue._next_check, queue._looked = 0, {}
    assert queue.release_due() == 0  # claimed: handed out once


def test_a_task_queued_on_the_database_broker_is_the_stock_brokers_row(task_log):
    """OrmDeadlineBroker queues as django-q's own ORM broker does: the list's key, the signed
    package, locked until now; its id is the row's; the stock broker hands it out; it rolls back
    with the transaction that queued it."""
    from django.db import transaction
    from django_q.brokers.orm import ORM
    from django_q.models import OrmQ

    queue = deadline.OrmDeadlineBroker(list_key="enqueue-test")
    before = timezone.now()
    task_id = task_log.async_task("math.floor", 2.5, broker=queue, save=False, task_name="floor")
    [row] = OrmQ.objects.filter(key="enqueue-test")
    assert before <= row.lock <= timezone.now()
    pack = task_log.read(row.payload)  # the package django-q made of this call
    assert (pack["id"], pack["func"], pack["args"], pack["name"]) == (
        task_id,
        "math.floor",
        (2.5,),
        "floor",
    )
    assert queue.enqueue("package") == OrmQ.objects.get(payload="package").pk
    handed = ORM(list_key="enqueue-test").dequeue()  # in no particular order
    assert sorted(p for _, p in handed) == sorted([row.payload, "package"])

    with pytest.raises(RuntimeError), transaction.atomic():
        queue.enqueue("rolled back")
        raise RuntimeError
    assert not OrmQ.objects.filter(payload="rolled back").exists()


@pytest.mark.parametrize(
    ("due", "batch", "mail", "stream"),
    [
        (0, 100, False, False),
        (1, 100, False, False),
        (2, 100, False, True),
        (2, 2, False, False),
        (0, 100, True, False),
    ],
    ids=["nothing due", "one due", "two due", "a full batch", "only mail due"],
)
def test_the_next_check_waits_longer_only_while_deadlines_stream_in(
    make_broker,
    make_ticket,
    customer,
    teams,
    due_firing,
    task_log,
    monkeypatch,
    due,
    batch,
    mail,
    stream,
):
    """A check that released several urgent deadlines, but not a full batch, is followed
    CHECK_BUSY later, so a stream of them is fired a few at a time (a batch's fixed queries
    paid less often); after none or one (a level now and then keeps its tenth of a second), a
    full batch (a burst: more is waiting), or only mail (on the outbox's own half-second look),
    the next check comes at CHECK_EVERY. Checked: without the rule the two's case failed (the
    next check 0.1 s later); waiting after one, the one's case failed; with a full batch counted
    as part of one, the full batch's case failed; with mail counted, the only-mail case failed."""
    five_minutes_ago = timezone.now() - timedelta(minutes=5)
    make_ticket(customer, team=teams["desk"], at=five_minutes_ago)  # a second level, due too
    if not mail:
        receipts_sent()  # else the two tickets' receipts wait for the outbox's look
    levels = list(Firing.objects.filter(kind="level").order_by("due_at", "pk"))
    later = timezone.now() + timedelta(hours=1)
    Firing.objects.filter(pk__in=[f.pk for f in levels[due:]]).update(due_at=later)
    monkeypatch.setattr("escalation.engine.BATCH", batch)
    queue = make_broker()
    queue._next_check = 0

    released = queue.release_due()
    wait = queue._next_check - time.monotonic()

    assert released == (2 if mail else due)
    if stream:
        assert deadline.CHECK_EVERY < wait <= deadline.CHECK_BUSY
    else:
        assert wait <= deadline.CHECK_EVERY
    tasks = fire_tasks(task_log, queue.dequeue() or []) if due else []
    assert sorted(pk for t in tasks for pk in t["args"][0]) == [f.pk for f in levels[:due]]
