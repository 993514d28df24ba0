from django.conf import settings
from django.db import models

from incidents.models import Ticket


class WorkSlot(models.Model):
    """What one person did to one ticket in one quarter-hour: the narrow source of the agents
    report (docs/reports.md), kept by the keep_clocks reaction from the ticket's events.

    Quarter-hours, not days: every reader's day starts on one (each time zone in use since
    1980 is a whole number of quarter-hours from UTC), so a period read in any zone is a range
    of slots. `previous_slot` is the same person's slot of work on the ticket before this one,
    so "tickets handled in a period" counts rows, not distinct pairs."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+", db_index=False)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    slot = models.BigIntegerField(help_text="Quarter-hours since 1970-01-01 00:00 UTC.")
    previous_slot = models.BigIntegerField(
        null=True, blank=True, help_text="The person's slot of work on the ticket before this."
    )
    acknowledgements = models.PositiveSmallIntegerField(default=0)
    resolutions = models.PositiveSmallIntegerField(default=0)
    reopened = models.PositiveSmallIntegerField(
        default=0, help_text="Of the resolutions, those a later reopening of the ticket undid."
    )
    # The ticket's time to acknowledge as its clock keeps it (escalation/figures.py), on the
    # rows with an acknowledgement: the first-response medians read no clock.
    acknowledge_seconds = models.PositiveIntegerField(null=True, blank=True)
    acknowledge_wall_seconds = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "agent", "slot"], name="work_slot_unique")
        ]
        indexes = [
            # A period's work is a range of this index per person of the desk, with every
            # column the report reads: requesters' slots (half of them) are never read.
            models.Index(
                fields=[
                    "agent",
                    "slot",
                    "previous_slot",
                    "acknowledgements",
                    "resolutions",
                    "reopened",
                    "acknowledge_seconds",
                    "acknowledge_wall_seconds",
                    "ticket",
                ],
                name="work_slot_report_idx",
            )
        ]

    def __str__(self):
        return f"{self.agent_id} on ticket {self.ticket_id}, slot {self.slot}"
