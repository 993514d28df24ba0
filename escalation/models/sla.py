from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from incidents.models import Team
from incidents.models.tickets import Priority

from ..durations import human_duration


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

    history = HistoricalRecords(m2m_fields=[teams])

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


# The longest target anywhere (admin, API, imports): a year of business time. Larger ones are a
# typo, and would only make every clock under them meaningless.
MAX_TARGET_SECONDS = 365 * 86400
TARGET_BOUNDS = [MinValueValidator(1), MaxValueValidator(MAX_TARGET_SECONDS)]
TARGET_BOUNDS_MESSAGE = "Targets run from 1 second to 365 days (31,536,000 seconds)."


class SLATarget(models.Model):
    policy = models.ForeignKey(SLAPolicy, on_delete=models.CASCADE, related_name="targets")
    priority = models.CharField(max_length=2, choices=Priority.choices)
    first_response_seconds = models.PositiveIntegerField(validators=TARGET_BOUNDS)
    resolution_seconds = models.PositiveIntegerField(validators=TARGET_BOUNDS)

    history = HistoricalRecords()

    class Meta:
        ordering = ["policy", "priority"]
        verbose_name = "SLA target"
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "priority"],
                name="sla_target_unique",
                violation_error_message="This policy already has targets for that priority.",
            ),
            models.CheckConstraint(
                condition=Q(priority__in=["P1", "P2", "P3", "P4"]),
                name="sla_target_priority_valid",
                violation_error_message="Choose a priority from P1 to P4.",
            ),
            models.CheckConstraint(
                condition=Q(first_response_seconds__gt=0) & Q(resolution_seconds__gt=0),
                name="sla_target_positive",
                violation_error_message=TARGET_BOUNDS_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(first_response_seconds__lte=MAX_TARGET_SECONDS)
                & Q(resolution_seconds__lte=MAX_TARGET_SECONDS),
                name="sla_target_at_most_a_year",
                violation_error_message=TARGET_BOUNDS_MESSAGE,
            ),
        ]

    def __str__(self):
        return f"{self.policy}: {self.priority}"

    @staticmethod
    def order_error(first_response_seconds, resolution_seconds):
        """Why these targets contradict each other ("" when they do not): a resolution due
        before the first response would breach before the first response was even due, and
        every escalation level anchored on the response would come after it."""
        if None in (first_response_seconds, resolution_seconds):
            return ""
        if resolution_seconds < first_response_seconds:
            return (
                f"The resolution target ({human_duration(resolution_seconds)}) is shorter than "
                f"the first-response target ({human_duration(first_response_seconds)}): make it "
                "at least as long."
            )
        return ""
