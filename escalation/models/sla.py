from django.db import models
from django.db.models import Q

from incidents.models import Team
from incidents.models.tickets import Priority


class SLAPolicy(models.Model):
    """Targets per priority for the teams it applies to (or every team, when default)."""

    name = models.CharField(max_length=100, unique=True)
    calendar = models.ForeignKey(
        "escalation.BusinessCalendar",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sla_policies",
        help_text="Empty means 24×7.",
    )
    teams = models.ManyToManyField(Team, blank=True, related_name="sla_policies")
    is_default = models.BooleanField(default=False, help_text="Applies to teams no policy names.")

    class Meta:
        ordering = ["name"]
        verbose_name = "SLA policy"
        verbose_name_plural = "SLA policies"
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="sla_policy_single_default",
            )
        ]

    def __str__(self):
        return self.name

    @classmethod
    def for_team(cls, team):
        """The policy naming this team, else the default policy, else None."""
        if team is not None:
            policy = cls.objects.filter(teams=team).order_by("pk").first()
            if policy:
                return policy
        return cls.objects.filter(is_default=True).first()


class SLATarget(models.Model):
    policy = models.ForeignKey(SLAPolicy, on_delete=models.CASCADE, related_name="targets")
    priority = models.CharField(max_length=2, choices=Priority.choices)
    first_response_seconds = models.PositiveIntegerField()
    resolution_seconds = models.PositiveIntegerField()

    class Meta:
        ordering = ["policy", "priority"]
        verbose_name = "SLA target"
        constraints = [
            models.UniqueConstraint(fields=["policy", "priority"], name="sla_target_unique"),
            models.CheckConstraint(
                condition=Q(priority__in=["P1", "P2", "P3", "P4"]), name="sla_target_priority_valid"
            ),
            models.CheckConstraint(
                condition=Q(first_response_seconds__gt=0) & Q(resolution_seconds__gt=0),
                name="sla_target_positive",
            ),
        ]

    def __str__(self):
        return f"{self.policy}: {self.priority}"
