from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone

from .policies import EscalationPolicy
from .sla import SLAPolicy

# Bounded in time: django-q2 kills a task after Q_CLUSTER["timeout"] (60 s); a replay stops
# well before, keeps what it found and says it stopped early.
REPLAY_SECONDS = 45
# A replay still "running" this long after its worker took it has lost that worker (the cluster
# stopped, or django-q2 killed the task at its timeout): its page says so and stops polling.
ABANDONED_AFTER = timedelta(seconds=REPLAY_SECONDS + 60)


class Replay(models.Model):
    """A run of a draft escalation or SLA policy against the tickets of the last `days` days;
    the result is kept (escalation.replay and escalation.replay_sla say what it holds)."""

    class Kind(models.TextChoices):
        ESCALATION = "escalation", "Escalation policy"
        SLA = "sla", "SLA policy"

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"

    policy = models.ForeignKey(
        EscalationPolicy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(
        max_length=10, choices=Kind.choices, default=Kind.ESCALATION, db_default=Kind.ESCALATION
    )
    sla_policy = models.ForeignKey(
        SLAPolicy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=100)
    draft = models.JSONField(
        help_text="The draft's frozen form: an escalation policy's as the planner reads it; an "
        "SLA policy's calendar snapshot and targets."
    )
    scope = models.JSONField(
        help_text="Escalation: [team ids, priorities, saved policy id, is active]; "
        "SLA: [team ids, is default, saved policy id]."
    )
    days = models.PositiveSmallIntegerField(default=30)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    result = models.JSONField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Replay of {self.name} over {self.days} days"

    def claim(self):
        """Queued → running by conditional update: only the worker that changed it goes on."""
        return bool(
            Replay.objects.filter(pk=self.pk, state=self.State.QUEUED).update(
                state=self.State.RUNNING, started_at=timezone.now()
            )
        )

    def abandoned(self, now=None):
        """Running, but taken so long ago that its worker is gone: it will never finish."""
        now = now or timezone.now()
        return (
            self.state == self.State.RUNNING
            and self.started_at is not None
            and now - self.started_at > ABANDONED_AFTER
        )
