"""Indexes for the queues: a team's active tickets by deadline, a team's newest first, an agent's by
status, and the team changes visible_to looks up."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('incidents', '0007_lockout_roles'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(fields=['team', 'status', 'resolution_due_at'], name='ticket_team_queue_idx'),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(fields=['team', '-created_at'], name='ticket_team_created_idx'),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(fields=['assignee', 'status'], name='ticket_assignee_status_idx'),
        ),
        migrations.AddIndex(
            model_name='ticketevent',
            index=models.Index(fields=['kind', 'ticket'], name='ticket_event_kind_idx'),
        ),
    ]
