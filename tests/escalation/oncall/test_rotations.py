"""Rotations as plain Python: handoffs on the wall clock of the zone, across DST, to the second."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from escalation.rotations import Cycle, Segment, final, holder_at


def utc(*args):
    return datetime(*args, tzinfo=UTC)


BERLIN_WEEKLY = Cycle("Europe/Berlin", "weekly", time(9), 0, date(2026, 3, 16), (1, 2, 3))


@pytest.mark.parametrize(
    ("at", "user"),
    [
        (utc(2026, 3, 16, 7, 59, 59), None),  # before the first shift
        (utc(2026, 3, 16, 8, 0), 1),  # Mon 16 Mar 09:00 CET = 08:00 UTC
        (utc(2026, 3, 23, 7, 59, 59), 1),
        (utc(2026, 3, 23, 8, 0), 2),  # still winter time
        # Clocks spring forward on Sun 29 Mar: Monday 30 Mar 09:00 CEST = 07:00 UTC.
        (utc(2026, 3, 30, 6, 59, 59), 2),
        (utc(2026, 3, 30, 7, 0), 3),
        # Clocks fall back on Sun 25 Oct: Mon 26 Oct 09:00 CET = 08:00 UTC again.
        # (31 weeks after the start: the 32nd shift, user 2; then the 33rd, user 3.)
        (utc(2026, 10, 26, 7, 59, 59), 2),
        (utc(2026, 10, 26, 8, 0), 3),
    ],
)
def test_weekly_monday_0900_berlin_hands_off_at_0900_local_in_both_seasons(at, user):
    shift = BERLIN_WEEKLY.shift_at(at)
    assert (shift.user if shift else None) == user


def test_shifts_across_a_change_last_an_hour_less_or_more():
    spring = BERLIN_WEEKLY.shift_at(utc(2026, 3, 25))
    assert spring.end - spring.start == timedelta(days=7, hours=-1)
    autumn = BERLIN_WEEKLY.shift_at(utc(2026, 10, 21))
    assert (autumn.start, autumn.end) == (utc(2026, 10, 19, 7), utc(2026, 10, 26, 8))


def test_daily_new_york_handoff_at_0800_local_across_both_changes():
    cycle = Cycle("America/New_York", "daily", time(8), 0, date(2026, 3, 6), (10, 20))
    # EST (UTC-5) until Sun 8 Mar 2026 02:00; EDT (UTC-4) until Sun 1 Nov 02:00.
    assert cycle.shift_at(utc(2026, 3, 7, 12, 59)).user == 10  # Sat 07:59 EST: Fri's shift
    assert cycle.shift_at(utc(2026, 3, 7, 13, 0)).user == 20  # Sat 08:00 EST
    sunday = cycle.shift_at(utc(2026, 3, 8, 12, 0))  # Sun 08:00 EDT
    assert (sunday.start, sunday.end, sunday.user) == (utc(2026, 3, 8, 12), utc(2026, 3, 9, 12), 10)
    saturday = cycle.shift_at(utc(2026, 3, 8, 11, 59))
    assert saturday.end - saturday.start == timedelta(hours=23)
    autumn = cycle.shift_at(utc(2026, 10, 31, 12))  # Sat 31 Oct 08:00 EDT to Sun 08:00 EST
    assert autumn.end - autumn.start == timedelta(hours=25)
    assert autumn.end == utc(2026, 11, 1, 13)


def test_weekly_first_shift_runs_from_the_start_date_to_the_next_handoff_weekday():
    cycle = Cycle("UTC", "weekly", time(9), 0, date(2026, 3, 18), (1, 2))  # a Wednesday
    first = cycle.shift_at(utc(2026, 3, 18, 9))
    assert (first.start, first.end, first.user) == (utc(2026, 3, 18, 9), utc(2026, 3, 23, 9), 1)
    assert cycle.shift_at(utc(2026, 3, 30, 9)).user == 1  # third shift, back to the first


def test_handoff_in_the_gap_happens_when_the_clocks_jump():
    cycle = Cycle("Europe/Berlin", "daily", time(2, 30), 0, date(2026, 3, 28), (1, 2))
    # 02:30 does not exist on 29 Mar 2026: the handoff is at the jump, 03:00 CEST = 01:00 UTC.
    assert cycle.handoff_at(date(2026, 3, 29)) == utc(2026, 3, 29, 1)


def test_shifts_over_a_range_are_contiguous():
    shifts = BERLIN_WEEKLY.shifts(utc(2026, 3, 1), utc(2026, 4, 14))
    assert shifts[0].start == utc(2026, 3, 16, 8)
    assert [s.user for s in shifts] == [1, 2, 3, 1, 2]
    assert all(a.end == b.start for a, b in zip(shifts, shifts[1:], strict=False))


def test_an_override_inside_a_shift_cuts_it_in_three():
    shift = Segment(utc(2026, 3, 16, 8), utc(2026, 3, 23, 8), 1)
    cover = (7, 9, utc(2026, 3, 18, 20), utc(2026, 3, 19, 6))
    segments = final([shift], [cover], shift.start, shift.end)
    assert [(s.start, s.end, s.user, s.override) for s in segments] == [
        (utc(2026, 3, 16, 8), utc(2026, 3, 18, 20), 1, None),
        (utc(2026, 3, 18, 20), utc(2026, 3, 19, 6), 9, 7),
        (utc(2026, 3, 19, 6), utc(2026, 3, 23, 8), 1, None),
    ]
    assert holder_at(segments, utc(2026, 3, 19, 5, 59, 59)).user == 9
    assert holder_at(segments, utc(2026, 3, 19, 6)).user == 1


def test_the_latest_override_wins_where_two_overlap_and_holes_are_nobody():
    first = (1, 5, utc(2026, 1, 1, 0), utc(2026, 1, 1, 10))
    later = (2, 6, utc(2026, 1, 1, 4), utc(2026, 1, 1, 6))
    segments = final([], [later, first], utc(2026, 1, 1), utc(2026, 1, 1, 12))
    assert [(s.user, s.end.hour) for s in segments] == [(5, 4), (6, 6), (5, 10), (None, 12)]


def test_an_empty_rotation_has_no_one():
    cycle = Cycle("UTC", "daily", time(9), 0, date(2026, 1, 1), ())
    assert cycle.shift_at(utc(2026, 2, 1)) is None
    assert cycle.shifts(utc(2026, 2, 1), utc(2026, 2, 2)) == []
