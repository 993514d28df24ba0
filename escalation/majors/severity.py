"""What each severity asks for: how often an unacknowledged party is paged again, and how
often the customers hear from us (the communication clock)."""

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Severity:
    name: str
    label: str
    repage_every: timedelta
    update_every: timedelta

    @property
    def repage_minutes(self):
        return int(self.repage_every.total_seconds() // 60)


SEVERITIES = {
    "SEV1": Severity("SEV1", "SEV1 — critical", timedelta(minutes=5), timedelta(minutes=30)),
    "SEV2": Severity("SEV2", "SEV2 — major", timedelta(minutes=15), timedelta(minutes=60)),
    "SEV3": Severity("SEV3", "SEV3 — minor", timedelta(minutes=30), timedelta(minutes=120)),
}
CHOICES = [(s.name, s.label) for s in SEVERITIES.values()]
