"""Out of office: a person away for a range, optionally naming a deputy (SPEC "On-call")."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q


class AbsenceQuerySet(models.QuerySet):
    def covering(self, at):
        """Absences that hold at instant `at`."""
        return self.filter(start__lte=at, end__gt=at)

    def meeting(self, start, end):
        """Absences that cover part of [start, end)."""
        return self.filter(start__lt=end, end__gt=start)


class Absence(models.Model):
    """`user` is away over [start, end); notifications go to `deputy` instead, if named."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="absences"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    deputy = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deputising",
        help_text="Told instead while the person is away.",
    )
    note = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AbsenceQuerySet.as_manager()

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = "out of office"
        verbose_name_plural = "out of office"
        indexes = [models.Index(fields=["end", "start"], name="absence_end_start")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")),
                name="absence_ends_after_start",
                violation_error_message="An absence ends after it starts.",
            ),
            models.CheckConstraint(
                condition=~Q(deputy=F("user")),
                name="absence_deputy_not_self",
                violation_error_message="A deputy is someone else.",
            ),
        ]

    def __str__(self):
        return f"{self.user} away"

    def clean(self):
        errors = {}
        if self.start and self.end and self.end <= self.start:
            errors["end"] = "An absence ends after it starts."
        if self.deputy_id and self.deputy_id == self.user_id:
            errors["deputy"] = "A deputy is someone else."
        if errors:
            raise ValidationError(errors)
