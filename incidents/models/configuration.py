from django.db import models


class ConfigurationStamp(models.Model):
    """One row whose `stamp` database triggers replace with a random value whenever a table
    holding configuration changes (see dbtools/configuration.py)."""

    stamp = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="configuration_stamp_single_row")
        ]

    def __str__(self):
        return self.stamp
