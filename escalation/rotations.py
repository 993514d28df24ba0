"""On-call rotations as plain Python: who holds a layer's shift at an instant, and for a range.

A rotation hands off at `handoff` on the wall clock of its zone, every day (daily) or every
`weekday` (weekly), from `start` (its first shift starts that day at the handoff time, whatever
the weekday). Handoffs are read as an opening time of a business calendar
(escalation/business_time/zones.py, `boundary`): a handoff in a DST gap happens when the clocks
jump, one in a repeated hour at its first occurrence, so a Monday 09:00 handoff in
Europe/Berlin is at 09:00 on the wall clock in both seasons (07:00 UTC in summer, 08:00 in
winter), and a shift that spans a change lasts an hour more or less.

Overrides cut into a layer's shifts: for each instant the override covering it with the highest
id (the latest made) wins. `final` folds them in; every caller — the on-call lookup, the
engine's `on_call` targets, the forecast — reads the same segments.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from .business_time.instants import DAY_US, US, from_us, to_us, utc
from .business_time.zones import boundary, wall_of, zone_named

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Segment:
    """[start, end) held by `user` (None: nobody); `override` is the override's id, if any."""

    start: datetime
    end: datetime
    user: int | None
    override: int | None = None


@dataclass(frozen=True)
class Cycle:
    """The shape of one rotation: when it hands off and to whom, in order."""

    zone: str
    cadence: str  # "daily" | "weekly"
    handoff: time
    weekday: int  # weekly only, 0 = Monday
    start: date
    members: tuple[int, ...]

    def handoff_at(self, day: date) -> datetime:
        """The instant of the handoff on a local date of the rotation's zone."""
        seconds = self.handoff.hour * 3600 + self.handoff.minute * 60 + self.handoff.second
        wall = (day.toordinal() - 1) * DAY_US + seconds * US
        return from_us(boundary(zone_named(self.zone), wall, closing=False))

    def _latest_handoff_day(self, day: date) -> date | None:
        """The last local date on or before `day` with a handoff; None before the start."""
        if day < self.start:
            return None
        if self.cadence == "daily":
            return day
        candidate = day - timedelta(days=(day.weekday() - self.weekday) % 7)
        return max(candidate, self.start)

    def _next_handoff_day(self, day: date) -> date:
        if self.cadence == "daily":
            return day + ONE_DAY
        return day + timedelta(days=(self.weekday - day.weekday() - 1) % 7 + 1)

    def _index(self, day: date) -> int:
        """Which shift (0 = the first) starts on handoff date `day`."""
        if self.cadence == "daily":
            return (day - self.start).days
        if day == self.start:
            return 0
        return 1 + (day - self._next_handoff_day(self.start)).days // 7

    def _day_at(self, at: datetime) -> date | None:
        """The handoff date of the shift holding `at`; None before the first shift."""
        at = utc(at)
        local = date.fromordinal(wall_of(zone_named(self.zone), to_us(at)) // DAY_US + 1)
        day = self._latest_handoff_day(local)
        while day is not None and self.handoff_at(day) > at:
            day = self._latest_handoff_day(day - ONE_DAY) if day > self.start else None
        return day

    def _shift(self, day: date) -> Segment:
        user = self.members[self._index(day) % len(self.members)]
        return Segment(self.handoff_at(day), self.handoff_at(self._next_handoff_day(day)), user)

    def shift_at(self, at: datetime) -> Segment | None:
        """The shift holding `at`; None before the first shift or without members."""
        day = self._day_at(at) if self.members else None
        return None if day is None else self._shift(day)

    def shifts(self, start: datetime, end: datetime) -> list[Segment]:
        """The shifts meeting [start, end), in order, uncut."""
        if not self.members or end <= start:
            return []
        day = self._day_at(start) or self.start
        found = []
        while self.handoff_at(day) < end:
            found.append(self._shift(day))
            day = self._next_handoff_day(day)
        return found


def final(shifts, overrides, start, end):
    """A layer's segments over [start, end): `shifts` (Segments) with `overrides` — (id, user,
    start, end) — cut in, the highest id winning; adjacent segments of one person merged, and
    the time no one holds as segments with user None."""
    start, end = utc(start), utc(end)
    cuts = {start, end}
    for shift in shifts:
        cuts |= {shift.start, shift.end}
    for _pk, _user, o_start, o_end in overrides:
        cuts |= {utc(o_start), utc(o_end)}
    points = sorted(c for c in cuts if start <= c <= end)
    segments = []
    for low, high in zip(points, points[1:], strict=False):
        user, override = _holder(low, shifts, overrides)
        last = segments[-1] if segments else None
        if last and last.user == user and last.override == override:
            segments[-1] = Segment(last.start, high, user, override)
        else:
            segments.append(Segment(low, high, user, override))
    return segments


def _holder(at, shifts, overrides):
    covering = [o for o in overrides if utc(o[2]) <= at < utc(o[3])]
    if covering:
        pk, user, _s, _e = max(covering, key=lambda o: o[0])
        return user, pk
    for shift in shifts:
        if shift.start <= at < shift.end:
            return shift.user, None
    return None, None


def holder_at(segments, at):
    """The segment of `segments` holding instant `at`, or None."""
    for segment in segments:
        if segment.start <= at < segment.end:
            return segment
    return None
