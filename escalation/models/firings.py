from django.db import models
from django.db.models import Q
from django.utils import timezone

from incidents.models import Ticket


class TicketClock(models.Model):
    """A ticket's SLA state: the frozen targets, calendar and policy it runs on, and its pauses."""

    ticket = models.OneToOneField(Ticket, on_delete=models.CASCADE, related_name="sla_clock")
    sla_policy_id = models.BigIntegerField(null=True, blank=True)
    sla_policy_name = models.CharField(max_length=100, blank=True)
    calendar = models.JSONField(null=True, blank=True, help_text="Frozen calendar; empty = 24×7.")
    response_target_seconds = models.PositiveIntegerField(null=True, blank=True)
    resolution_target_seconds = models.PositiveIntegerField(null=True, blank=True)
    policy = models.JSONField(null=True, blank=True, help_text="Frozen escalation policy.")
    policy_key = models.CharField(max_length=100, blank=True)
    paused_seconds = models.PositiveBigIntegerField(
        default=0, help_text="Business seconds the resolution clock spent paused."
    )
    paused_since = models.DateTimeField(null=True, blank=True)
    frozen_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "ticket SLA clock"

    def __str__(self):
        return f"Clock of ticket {self.ticket_id}"


class Firing(models.Model):
    """One planned (ticket, level, repeat) or breach; the row that makes firing exactly-once.

    `key` names the firing (ticket, policy, level, repeat and the deadline it is anchored to);
    it is unique, so planning the same thing twice is a no-op, and `state` moves forward only
    through conditional updates, so two workers can never both fire it."""

    class Kind(models.TextChoices):
        LEVEL = "level", "Escalation level"
        RESPONSE_BREACH = "response_breach", "First-response breach"
        RESOLUTION_BREACH = "resolution_breach", "Resolution breach"

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        HELD = "held", "Held (ticket paused)"
        CLAIMED = "claimed", "Claimed by a worker"
        FIRED = "fired", "Fired"
        CANCELLED = "cancelled", "Cancelled"
        SKIPPED = "skipped", "Skipped (superseded)"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="firings")
    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.LEVEL)
    level = models.PositiveSmallIntegerField(default=0)
    repeat = models.PositiveSmallIntegerField(default=0)
    anchor = models.CharField(max_length=20)
    anchor_at = models.DateTimeField()
    due_at = models.DateTimeField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    claimed_until = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=32, blank=True, db_index=True)
    actions = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    fired_at = models.DateTimeField(null=True, blank=True)
    late = models.BooleanField(default=False)
    outcome = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        indexes = [
            models.Index(fields=["state", "due_at"], name="firing_due_idx"),
            models.Index(fields=["ticket", "state"], name="firing_ticket_state_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    state__in=["pending", "held", "claimed", "fired", "cancelled", "skipped"]
                ),
                name="firing_state_valid",
            ),
            models.CheckConstraint(condition=Q(repeat__lte=9), name="firing_repeat_0_to_9"),
        ]

    def __str__(self):
        return f"{self.key} [{self.state}]"
