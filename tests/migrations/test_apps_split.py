"""Upgrading a database made before the apps were split (issue 8) loses nothing.

The database is built at the last migrations of that layout, given a row in every table that
moves, then migrated to today's: every row is found again under its new model, with its cause
key, its permissions and the outbox sweep's new task path."""

from datetime import timedelta

import pytest
from django.utils import timezone

BEFORE = [
    ("incidents", "0002_roles"),
    ("escalation", "0003_firing_claimed_by"),
    ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
]
AFTER = [
    ("incidents", "0003_priority_matrix"),
    ("escalation", "0004_models_moved_out"),
    ("notifications", "0002_cause_and_tables"),
]


def old_rows(apps):
    """One row in every moved table, as the old escalation app wrote them."""
    User = apps.get_model("auth", "User")
    Team = apps.get_model("incidents", "Team")
    Ticket = apps.get_model("incidents", "Ticket")
    Firing = apps.get_model("escalation", "Firing")
    now = timezone.now()
    user = User.objects.create(username="lena", email="lena@example.com")
    team = Team.objects.create(name="Service Desk", slug="service-desk", tier=1)
    ticket = Ticket.objects.create(
        subject="VPN", description="down", requester=user, team=team, reference="HD-1"
    )
    firing = Firing.objects.create(
        ticket=ticket, key="t1:p1:l1:r0", anchor="created", anchor_at=now, due_at=now
    )
    apps.get_model("escalation", "PriorityMatrixEntry").objects.create(
        impact="low", urgency="low", priority="P2"
    )
    Notification = apps.get_model("escalation", "Notification")
    by_firing = Notification.objects.create(
        idempotency_key=f"firing:{firing.pk}:escalated:user:{user.pk}:email",
        kind="escalated",
        recipient=user,
        address=user.email,
        ticket=ticket,
        firing=firing,
        status="sent",
        sent_at=now,
    )
    Notification.objects.create(
        idempotency_key=f"event:7:received:user:{user.pk}:email",
        kind="received",
        recipient=user,
        address=user.email,
        ticket=ticket,
        next_attempt_at=now + timedelta(minutes=1),
    )
    apps.get_model("escalation", "DeliveryAttempt").objects.create(
        notification=by_firing, ok=True
    )
    apps.get_model("escalation", "NotificationPreference").objects.create(
        user=user, kind="reply", enabled=False
    )
    apps.get_model("escalation", "Webhook").objects.create(
        name="Pager", url="https://hooks.example.com/x", secret="s3cret", team=team
    )
    return firing.pk


@pytest.mark.django_db(transaction=True)
def test_every_moved_row_is_found_after_migrating(migrator):
    old = migrator.apply_initial_migration(BEFORE)
    firing_id = old_rows(old.apps)

    new = migrator.apply_tested_migration(AFTER)

    get = new.apps.get_model
    assert list(get("incidents", "PriorityMatrixEntry").objects.values_list("priority")) == [
        ("P2",)
    ]
    causes = dict(get("notifications", "Notification").objects.values_list("kind", "cause"))
    assert causes == {"escalated": f"firing:{firing_id}", "received": "event:7"}
    attempt = get("notifications", "DeliveryAttempt").objects.get()
    assert attempt.notification.kind == "escalated"
    assert get("notifications", "NotificationPreference").objects.get().kind == "reply"
    assert get("notifications", "Webhook").objects.get().secret == "s3cret"
    schedule = get("django_q", "Schedule").objects.get(name="outbox-sweep")
    assert schedule.func == "notifications.tasks.sweep_outbox"


@pytest.mark.django_db(transaction=True)
def test_supervisors_keep_their_permissions_on_the_moved_models(migrator):
    migrator.apply_initial_migration(BEFORE)

    new = migrator.apply_tested_migration(AFTER)

    Permission = new.apps.get_model("auth", "Permission")
    supervisors = new.apps.get_model("auth", "Group").objects.get(name="supervisors")
    granted = set(
        Permission.objects.filter(group=supervisors).values_list(
            "content_type__app_label", "codename"
        )
    )
    assert {
        ("incidents", "change_prioritymatrixentry"),
        ("notifications", "view_notification"),
        ("notifications", "add_webhook"),
        ("notifications", "view_deliveryattempt"),
    } <= granted
    assert not any(label == "escalation" and "notification" in code for label, code in granted)
