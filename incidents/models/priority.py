"""Priority: impact × urgency through an ITIL matrix that supervisors can edit (SPEC "Tickets")."""

from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy
from simple_history.models import HistoricalRecords

from dbtools import configuration


class Level(models.TextChoices):
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class Priority(models.TextChoices):
    P1 = "P1", "P1 — critical"
    P2 = "P2", "P2 — high"
    P3 = "P3", "P3 — medium"
    P4 = "P4", "P4 — low"


# The priorities' words in the reader's language, for the pages' choices (the model's labels
# stay plain strings: they are written into events and JSON).
PRIORITY_WORDS = {
    "P1": gettext_lazy("P1 — critical"),
    "P2": gettext_lazy("P2 — high"),
    "P3": gettext_lazy("P3 — medium"),
    "P4": gettext_lazy("P4 — low"),
}


def priority_choices():
    """[(value, words)] in the active language: a form field's `choices` (a callable is
    evaluated per form, so per request)."""
    return [(value, str(PRIORITY_WORDS[value])) for value in Priority.values]


# The ITIL matrix, for every cell a supervisor has not edited.
DEFAULT_PRIORITY_MATRIX = {
    ("high", "high"): "P1",
    ("high", "medium"): "P2",
    ("high", "low"): "P3",
    ("medium", "high"): "P2",
    ("medium", "medium"): "P3",
    ("medium", "low"): "P4",
    ("low", "high"): "P3",
    ("low", "medium"): "P4",
    ("low", "low"): "P4",
}


class PriorityMatrixEntry(models.Model):
    """One cell of the impact × urgency → priority matrix (ITIL), editable by supervisors."""

    impact = models.CharField(max_length=6, choices=Level.choices)
    urgency = models.CharField(max_length=6, choices=Level.choices)
    priority = models.CharField(max_length=2, choices=Priority.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["impact", "urgency"]
        verbose_name = "priority matrix cell"
        verbose_name_plural = "priority matrix"
        constraints = [
            models.UniqueConstraint(fields=["impact", "urgency"], name="priority_matrix_cell"),
            models.CheckConstraint(
                condition=Q(priority__in=["P1", "P2", "P3", "P4"]),
                name="priority_matrix_priority_valid",
            ),
        ]

    def __str__(self):
        return f"impact {self.impact} × urgency {self.urgency} → {self.priority}"

    @classmethod
    def priority_for(cls, impact, urgency):
        """The matrix's priority for (impact, urgency): a supervisor's cell, else ITIL's."""
        return configuration.cached("priority-matrix", cls.matrix)[(impact, urgency)]

    @classmethod
    def matrix(cls):
        """{(impact, urgency): priority} for every cell: the supervisors' edits over ITIL's."""
        edited = cls.objects.values_list("impact", "urgency", "priority")
        return {**DEFAULT_PRIORITY_MATRIX, **{(i, u): p for i, u, p in edited}}

    @classmethod
    def set_matrix(cls, cells):
        """Store {(impact, urgency): priority}; returns the cells whose priority changed."""
        current = cls.matrix()
        changed = {cell: p for cell, p in cells.items() if current.get(cell) != p}
        with transaction.atomic():
            for (impact, urgency), priority in changed.items():
                cls.objects.update_or_create(
                    impact=impact, urgency=urgency, defaults={"priority": priority}
                )
        return changed
