"""What each severity asks for: how often an unacknowledged party is paged again, and how
often the customers hear from us (the communication clock)."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext_lazy


@dataclass(frozen=True)
class Severity:
    name: str
    label: str
    repage_every_default: timedelta
    update_every: timedelta

    @property
    def repage_every(self):
        """The severity's interval, or MAJOR_REPAGE_SECONDS for every severity when set (a
        rehearsal of the paging itself, or a test that must not wait 5 minutes)."""
        override = getattr(settings, "MAJOR_REPAGE_SECONDS", 0)
        return timedelta(seconds=override) if override else self.repage_every_default

    @property
    def repage_minutes(self):
        return int(self.repage_every.total_seconds() // 60)


SEVERITIES = {
    "SEV1": Severity(
        "SEV1", gettext_lazy("SEV1 — critical"), timedelta(minutes=5), timedelta(minutes=30)
    ),
    "SEV2": Severity(
        "SEV2", gettext_lazy("SEV2 — major"), timedelta(minutes=15), timedelta(minutes=60)
    ),
    "SEV3": Severity(
        "SEV3", gettext_lazy("SEV3 — minor"), timedelta(minutes=30), timedelta(minutes=120)
    ),
}
CHOICES = [(s.name, s.label) for s in SEVERITIES.values()]
