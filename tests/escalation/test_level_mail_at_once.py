"""What an escalation level writes goes to the workers with the transaction that fired it,
claimed for that task: not at the deadline loop's next look (up to half a second later), and
never handed out twice."""

import pytest

from escalation import engine
from notifications import delivery, tasks
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def level_rows(firing):
    return Notification.objects.filter(cause=f"firing:{firing.pk}")


def test_a_levels_mail_is_queued_with_its_firing_claimed_for_that_task(
    due_firing, lead, task_log, mailoutbox
):
    """Protection: escalation.actions hands the batch's rows to outbox.queue_at_once. Checked:
    with notify_many's default queue instead, no task was queued and the row was unclaimed, so
    the loop took it at its next look."""
    Notification.objects.update(status=Notification.Status.SENT)  # the ticket's receipt

    assert engine.fire_many(engine.claim_due()) == 1

    [row] = level_rows(due_firing)
    assert row.address == lead.email and row.claimed_by
    [task] = [call for call in task_log.calls if call["func"] == "notifications.tasks.deliver"]
    assert task["args"] == ([row.pk], row.claimed_by)
    assert delivery.claim_due() == []  # the loop leaves it to that task

    assert tasks.deliver(*task["args"]) == 1
    assert tasks.deliver(*task["args"]) == 0  # run twice (a retried task): sent once
    assert [message.to for message in mailoutbox] == [[lead.email]]


def test_a_task_the_broker_refuses_lets_the_claim_go_for_the_loop(
    due_firing, lead, monkeypatch, task_log, django_capture_on_commit_callbacks, caplog
):
    """On Redis the task is queued at commit; when Redis refuses it the rows must not stay
    claimed for a minute by a task that does not exist. Checked: without the let-go, the loop
    found nothing to hand out."""
    Notification.objects.update(status=Notification.Status.SENT)
    monkeypatch.setattr(tasks, "tasks_are_rows_in", lambda alias: False)

    def refused(ids, token=None):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(tasks, "queue_delivery", refused)

    with django_capture_on_commit_callbacks(execute=True):
        assert engine.fire_many(engine.claim_due()) == 1

    [row] = level_rows(due_firing)
    assert "Redis is down" in caplog.text
    assert delivery.claim_due() == [row.pk]  # the loop's next look takes it
