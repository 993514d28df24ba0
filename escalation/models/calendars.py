import zoneinfo
from datetime import date, time
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from dbtools.aggregates import json_rows

from ..business_time import Calendar, NeverOpens

MIDNIGHT = time(0, 0)


def iana_zones():
    """IANA zone names, without the files a system's zoneinfo folder adds beside them
    (`localtime`, `posixrules`, `Factory`, the `posix/` and `right/` copies)."""
    return _IANA_ZONES


_IANA_ZONES = frozenset(
    name
    for name in zoneinfo.available_timezones()
    if name not in {"localtime", "posixrules", "Factory"}
    and not name.startswith(("posix/", "right/"))
)


def validate_timezone(value):
    if value not in _IANA_ZONES:
        raise ValidationError(f"{value!r} is not an IANA time zone (e.g. Europe/Berlin).")


def validate_whole_minute(value):
    if value is not None and (value.second or value.microsecond):
        raise ValidationError("Opening hours are whole minutes (HH:MM).")


def _seconds(t, end=False):
    # An interval ending at 00:00 ends at midnight, the end of its day.
    if end and t == MIDNIGHT:
        return 86400
    return t.hour * 3600 + t.minute * 60 + t.second


class BusinessCalendar(models.Model):
    """When a team works: a time zone, weekly opening intervals and holidays."""

    name = models.CharField(max_length=100, unique=True)
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.timezone})"

    def snapshot(self, hours=None, holidays=None):
        """A JSON-able frozen copy, stored on each ticket so later edits don't move its clocks.

        `hours` and `holidays`: the rows of `hours_json` and `holidays_json` when the caller's
        query read them already; else they are read here."""
        if hours is None:
            intervals = [interval(h.weekday, h.start, h.end) for h in self.hours.all()]
            days = [h.date.isoformat() for h in self.holidays.all()]
        else:
            intervals = sorted(
                interval(weekday, time.fromisoformat(start), time.fromisoformat(end))
                for weekday, start, end in hours
            )
            days = sorted(day for (day,) in holidays)
        return {
            "id": self.pk,
            "name": self.name,
            "timezone": self.timezone,
            "intervals": [list(i) for i in intervals],
            "holidays": days,
        }

    def add_holidays(self, days):
        """Add {date: name} as holidays, keeping the ones already there; returns how many were
        added. Refused (ValidationError) when the calendar would then never open."""
        kept = set(self.holidays.values_list("date", flat=True))
        new = {day: name for day, name in days.items() if day not in kept}
        intervals = [interval(h.weekday, h.start, h.end) for h in self.hours.all()]
        reason = never_opens_reason(self.timezone, intervals, kept | set(new))
        if reason:
            raise ValidationError(reason)
        with transaction.atomic():
            for day, name in sorted(new.items()):
                Holiday.objects.create(calendar=self, date=day, name=name)  # one history row each
        return len(new)

    @staticmethod
    def hours_json(calendar="calendar"):
        """A subquery column: the opening rows of the outer row's `calendar`, for `snapshot`."""
        return json_rows(OpeningHours, "calendar", calendar, "weekday", "start", "end")

    @staticmethod
    def holidays_json(calendar="calendar"):
        return json_rows(Holiday, "calendar", calendar, "date")


NEVER_OPENS = "no business hours in the calendar"


def never_opens_reason(zone, intervals, holidays, now=None):
    """Why a calendar with these hours would stop every clock for ever, or "" if it opens.

    `intervals` are (weekday, start second, end second); every path that configures a calendar
    asks this before saving (a calendar with no opening is refused where it is configured)."""
    if not intervals:
        return "A calendar needs at least one opening interval (no calendar means 24×7)."
    try:
        opening = Calendar(zone, tuple(intervals), frozenset(holidays)).next_opening(
            now or timezone.now()
        )
    except NeverOpens:
        opening = None
    if opening is None:
        return "This calendar never opens: its holidays cover every opening hour."
    return ""


def interval(weekday, start, end):
    """An opening row's (weekday, start, end) in seconds, as business time reads it."""
    return (weekday, _seconds(start), _seconds(end, end=True))


def calendar_from_snapshot(snapshot):
    """The business-time calendar of a frozen snapshot; None means 24x7.

    Built once per distinct snapshot: every ticket under a calendar carries the same one, and
    a Calendar is immutable, so the engine and the planner share it instead of rebuilding it."""
    if not snapshot:
        return None
    return _calendar(
        snapshot["timezone"],
        tuple(tuple(i) for i in snapshot["intervals"]),
        tuple(snapshot["holidays"]),
    )


@lru_cache(maxsize=256)
def _calendar(zone, intervals, holidays):
    return Calendar(
        timezone=zone,
        intervals=intervals,
        holidays=frozenset(date.fromisoformat(d) for d in holidays),
    )


class OpeningHours(models.Model):
    """One opening interval on a weekday, in the calendar's local time. End 00:00 = midnight."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0
        TUESDAY = 1
        WEDNESDAY = 2
        THURSDAY = 3
        FRIDAY = 4
        SATURDAY = 5
        SUNDAY = 6

    calendar = models.ForeignKey(BusinessCalendar, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start = models.TimeField(validators=[validate_whole_minute])
    end = models.TimeField(
        validators=[validate_whole_minute], help_text="00:00 means midnight at the end of the day."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["weekday", "start"]
        verbose_name = "opening interval"
        verbose_name_plural = "opening hours"
        constraints = [
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="opening_weekday_0_to_6"
            ),
            models.CheckConstraint(
                condition=Q(start__lt=models.F("end")) | Q(end=MIDNIGHT),
                name="opening_start_before_end",
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"

    def clean(self):
        known = self.start is not None and self.end is not None
        if known and not (self.start < self.end or self.end == MIDNIGHT):
            raise ValidationError({"end": "The interval must end after it starts."})


class Holiday(models.Model):
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="holidays"
    )
    date = models.DateField()
    name = models.CharField(max_length=100, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="holiday_unique_per_day")
        ]

    def __str__(self):
        return f"{self.date} {self.name}".strip()
