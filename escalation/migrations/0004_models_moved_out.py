"""The priority matrix moved to incidents and the outbox models to notifications: they leave
this app's state; their tables were taken over as they are (see those apps' migrations)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("escalation", "0003_firing_claimed_by"),
        ("incidents", "0003_priority_matrix"),
        ("notifications", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="DeliveryAttempt"),
                migrations.DeleteModel(name="NotificationPreference"),
                migrations.DeleteModel(name="Webhook"),
                migrations.DeleteModel(name="Notification"),
                migrations.DeleteModel(name="PriorityMatrixEntry"),
            ],
            database_operations=[],
        ),
    ]
