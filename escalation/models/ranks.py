from django.db import models


class DayFigures(models.Model):
    """The times to acknowledge and to resolve of the tickets whose deadline falls on one UTC
    day, of one team and priority, each figure's values in ascending order: what the exact
    medians and 90th percentiles of a long period are ranked from on PostgreSQL, where ranking
    them per group from the clocks costs most of a report (docs/reports.md, "Percentiles from
    sorted days"). Kept by escalation/ranks.py from the clocks (`keep`), rebuilt from them by
    the same function. Drills are in it like any ticket: a report takes their values out
    (a ticket's drill flag is read when the report is).

    A figure's values are packed 32-bit integers (`ranks.pack`): a day of a team and priority
    holds tens to hundreds of them, and a quarter's report reads ~240,000 of each figure."""

    day = models.DateField(help_text="The UTC day of the tickets' deadlines.")
    team = models.BigIntegerField(help_text="The tickets' team id; 0 for no team.")
    priority = models.CharField(max_length=2)
    acknowledge_seconds = models.BinaryField(default=b"")
    acknowledge_wall_seconds = models.BinaryField(default=b"")
    resolve_seconds = models.BinaryField(default=b"")
    resolve_wall_seconds = models.BinaryField(default=b"")

    class Meta:
        verbose_name = "day of report figures"
        verbose_name_plural = "days of report figures"
        constraints = [
            models.UniqueConstraint(fields=["day", "team", "priority"], name="day_figures_unique")
        ]

    def __str__(self):
        return f"{self.day}, team {self.team or '-'}, {self.priority}"
