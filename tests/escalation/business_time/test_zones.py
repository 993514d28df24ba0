"""Examples at UTC-offset changes: gaps, repeated hours, boundaries turned into instants.

Plain pytest functions: no Django, no fixtures.
"""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from escalation.business_time import (
    Calendar,
)

from .examples import (
    BERLIN,
    NEW_YORK,
    H,
    M,
    berlin,
    office,
    round_the_clock,
    utc,
)

_S = timedelta(seconds=1)


def test_friday_before_spring_forward():
    due = office().add(berlin(2025, 3, 28, 15), 4 * H)
    assert due == berlin(2025, 3, 31, 11)
    assert due == utc(2025, 3, 31, 9)
    assert due.tzinfo is UTC


def test_friday_before_fall_back():
    due = office().add(berlin(2025, 10, 24, 15), 4 * H)
    assert due == berlin(2025, 10, 27, 11)
    assert due == utc(2025, 10, 27, 10)


def test_calendar_open_all_day_matches_real_time_across_dst():
    cal = round_the_clock()
    assert cal.add(berlin(2025, 3, 30, 0, 30), 4 * H) == berlin(2025, 3, 30, 5, 30)
    assert cal.add(berlin(2025, 10, 26, 0, 30), 4 * H) == utc(2025, 10, 26, 2, 30)
    assert cal.between(berlin(2025, 3, 30), berlin(2025, 3, 31)) == 23 * H
    assert cal.between(berlin(2025, 10, 26), berlin(2025, 10, 27)) == 25 * H


def test_new_york_weekend_of_spring_forward():
    ny = office("America/New_York")
    due = ny.add(datetime(2025, 3, 7, 15, tzinfo=NEW_YORK), 4 * H)
    assert due == datetime(2025, 3, 10, 11, tzinfo=NEW_YORK)
    assert due == utc(2025, 3, 10, 15)


def test_interval_through_spring_forward_is_three_real_hours():
    cal = Calendar("Europe/Berlin", ((6, 1 * H, 5 * H),))
    assert cal.between(berlin(2025, 3, 30), berlin(2025, 3, 31)) == 3 * H
    assert cal.add(berlin(2025, 3, 30, 1), 3 * H) == berlin(2025, 3, 30, 5)


def test_interval_through_fall_back_is_five_real_hours():
    cal = Calendar("Europe/Berlin", ((6, 1 * H, 5 * H),))
    assert cal.between(berlin(2025, 10, 26), berlin(2025, 10, 27)) == 5 * H
    assert cal.add(berlin(2025, 10, 26, 1), 5 * H) == berlin(2025, 10, 26, 5)


def test_non_existent_boundary_maps_to_the_jump():
    # 02:30 does not exist on 2025-03-30: the interval opens when clocks jump
    # from 02:00 CET to 03:00 CEST, i.e. 01:00 UTC.
    cal = Calendar("Europe/Berlin", ((6, 2 * H + 30 * M, 4 * H),))
    assert cal.next_opening(berlin(2025, 3, 30)) == utc(2025, 3, 30, 1)
    assert cal.between(berlin(2025, 3, 30), berlin(2025, 3, 31)) == 1 * H


def test_interval_inside_the_gap_is_empty_that_day():
    cal = Calendar("Europe/Berlin", ((6, 2 * H + 10 * M, 2 * H + 50 * M),))
    assert cal.between(berlin(2025, 3, 30), berlin(2025, 3, 31)) == 0
    assert cal.between(berlin(2025, 3, 23), berlin(2025, 3, 24)) == 40 * M
    assert cal.next_opening(berlin(2025, 3, 30)) == berlin(2025, 4, 6, 2, 10)


def test_ambiguous_boundaries_start_first_and_end_last():
    # 02:00-03:00 happens twice on 2025-10-26: start = first 02:30 (CEST),
    # end = last 02:30 (CET).
    cal = Calendar("Europe/Berlin", ((6, 1 * H, 2 * H + 30 * M), (6, 2 * H + 45 * M, 3 * H)))
    assert cal.day_spans(date(2025, 10, 26)) == ((utc(2025, 10, 25, 23), utc(2025, 10, 26, 2)),)
    only_start = Calendar("Europe/Berlin", ((6, 2 * H + 30 * M, 3 * H),))
    assert only_start.day_spans(date(2025, 10, 26)) == (
        (utc(2025, 10, 26, 0, 30), utc(2025, 10, 26, 2)),
    )


# Berlin, Sun 2025-10-26: 03:00 CEST -> 02:00 CET at 01:00 UTC; 02:00-03:00 happens twice.
# A closing time is its second occurrence only strictly inside the repeated hour.


def sunday_night(end, start=0, weekday=6, tz="Europe/Berlin"):
    return Calendar(tz, ((weekday, start, end),))


@pytest.mark.parametrize(
    ("end", "closes_at"),
    [
        (2 * H - 1, utc(2025, 10, 25, 23, 59, 59)),  # just before the repeated hour
        (2 * H, utc(2025, 10, 26, 0)),  # its very start: first occurrence (02:00 CEST)
        (2 * H + 1, utc(2025, 10, 26, 1, 0, 1)),  # one second inside: second (02:00:01 CET)
        (2 * H + 30 * M, utc(2025, 10, 26, 1, 30)),  # inside: second occurrence
        (3 * H - 1, utc(2025, 10, 26, 1, 59, 59)),  # last second inside: second occurrence
        (3 * H, utc(2025, 10, 26, 2)),  # its end, 03:00, happens once (CET)
    ],
)
def test_closing_around_the_start_of_the_repeated_hour(end, closes_at):
    cal = sunday_night(end)
    assert cal.day_spans(date(2025, 10, 26)) == ((utc(2025, 10, 25, 22), closes_at),)
    expected = closes_at - utc(2025, 10, 25, 22)
    assert cal.duration_between(berlin(2025, 10, 25), berlin(2025, 10, 27)) == expected
    assert cal.add(berlin(2025, 10, 25, 12), expected // _S) == closes_at
    assert cal.is_open(closes_at - timedelta(microseconds=1))
    assert not cal.is_open(closes_at)
    assert cal.is_open(closes_at, include_close=True)


@pytest.mark.parametrize(
    ("start", "opens_at"),
    [
        (2 * H - 1, utc(2025, 10, 25, 23, 59, 59)),
        (2 * H, utc(2025, 10, 26, 0)),  # first occurrence
        (2 * H + 1, utc(2025, 10, 26, 0, 0, 1)),  # first occurrence, even inside
        (3 * H - 1, utc(2025, 10, 26, 0, 59, 59)),
        (3 * H, utc(2025, 10, 26, 2)),
    ],
)
def test_opening_in_the_repeated_hour_is_its_first_occurrence(start, opens_at):
    cal = sunday_night(4 * H, start=start)
    assert cal.day_spans(date(2025, 10, 26)) == ((opens_at, utc(2025, 10, 26, 3)),)
    assert cal.next_opening(berlin(2025, 10, 25, 12)) == opens_at


def test_issue_9_repro_closing_at_the_repeated_hour_start():
    # Open Sunday 00:00-02:00: that night gives 2 hours, the 7,201st second is next Sunday.
    due = sunday_night(2 * H).add(berlin(2025, 10, 25, 12), 7201)
    assert due == utc(2025, 11, 1, 23, 0, 1)
    assert due.astimezone(BERLIN).replace(tzinfo=None) == datetime(2025, 11, 2, 0, 0, 1)
    assert due.astimezone(BERLIN).tzname() == "CET"


def test_berlin_night_shift_is_four_hours_on_the_fall_back_night():
    cal = Calendar("Europe/Berlin", ((5, 22 * H, 86400), (6, 0, 2 * H)))
    assert cal.between(berlin(2025, 10, 25, 12), berlin(2025, 10, 26, 12)) == 4 * H
    assert cal.add(berlin(2025, 10, 25, 22), 4 * H) == utc(2025, 10, 26, 0)
    assert cal.add(berlin(2025, 10, 25, 22), 4 * H + 1) == berlin(2025, 11, 1, 22, 0, 1)
    assert cal.add(utc(2025, 10, 26, 0), -4 * H) == berlin(2025, 10, 25, 22)


@pytest.mark.parametrize(
    ("tz", "weekday", "start", "end", "day", "span"),
    [
        # Havana, Sun 2025-11-02: 01:00 CDT -> 00:00 CST; 00:00-01:00 repeats.
        ("America/Havana", 5, 22 * H, 86400, date(2025, 11, 1), (utc(2025, 11, 2, 2), 2 * H)),
        ("America/Havana", 6, 0, 30 * M, date(2025, 11, 2), (utc(2025, 11, 2, 4), 90 * M)),
        ("America/Havana", 6, 0, H, date(2025, 11, 2), (utc(2025, 11, 2, 4), 2 * H)),
        # Santiago, Sat 2025-04-05: 24:00 -03 -> 23:00 -04; 23:00-24:00 repeats.
        ("America/Santiago", 5, 21 * H, 23 * H, date(2025, 4, 5), (utc(2025, 4, 6, 0), 2 * H)),
        ("America/Santiago", 5, 23 * H, 86400, date(2025, 4, 5), (utc(2025, 4, 6, 2), 2 * H)),
        ("America/Santiago", 5, 21 * H, 23 * H + 1, date(2025, 4, 5), (utc(2025, 4, 6), 3 * H + 1)),
        # Lord Howe, Sun 2025-04-06: 02:00 +11 -> 01:30 +10:30; 01:30-02:00 repeats.
        ("Australia/Lord_Howe", 6, 0, 90 * M, date(2025, 4, 6), (utc(2025, 4, 5, 13), 90 * M)),
        ("Australia/Lord_Howe", 6, 0, 105 * M, date(2025, 4, 6), (utc(2025, 4, 5, 13), 135 * M)),
        ("Australia/Lord_Howe", 6, 0, 2 * H, date(2025, 4, 6), (utc(2025, 4, 5, 13), 150 * M)),
        # Beirut, Sat 2025-10-25: 24:00 +03 -> 23:00 +02; 23:00-24:00 repeats.
        ("Asia/Beirut", 5, 20 * H, 23 * H, date(2025, 10, 25), (utc(2025, 10, 25, 17), 3 * H)),
        # Chatham, Sun 2025-04-06: 03:45 +13:45 -> 02:45 +12:45; 02:45-03:45 repeats.
        ("Pacific/Chatham", 6, 0, 165 * M, date(2025, 4, 6), (utc(2025, 4, 5, 10, 15), 165 * M)),
    ],
)
def test_repeated_hour_at_midnight_and_half_hours(tz, weekday, start, end, day, span):
    cal = Calendar(tz, ((weekday, start, end),))
    opens, length = span
    assert cal.day_spans(day) == ((opens, opens + timedelta(seconds=length)),)
    assert cal.between(opens - timedelta(days=1), opens + timedelta(days=1)) == length
    assert cal.add(opens, length) == opens + timedelta(seconds=length)
    assert cal.add(opens + timedelta(seconds=length), -length) == opens


def test_gap_boundaries_map_to_the_jump_on_both_sides():
    # Berlin, Sun 2025-03-30: 02:00 CET -> 03:00 CEST at 01:00 UTC.
    for end, closes_at in [
        (2 * H - 1, utc(2025, 3, 30, 0, 59, 59)),
        (2 * H, utc(2025, 3, 30, 1)),
        (2 * H + 1, utc(2025, 3, 30, 1)),
        (3 * H, utc(2025, 3, 30, 1)),
        (3 * H + 1, utc(2025, 3, 30, 1, 0, 1)),
    ]:
        cal = sunday_night(end, start=H)
        assert cal.day_spans(date(2025, 3, 30)) == ((utc(2025, 3, 30, 0), closes_at),), end


def test_unknown_zone_is_rejected():
    with pytest.raises(ValueError):
        Calendar("Mars/Olympus_Mons", ())


def test_inputs_in_any_zone():
    tokyo = datetime(2025, 6, 2, 17, tzinfo=ZoneInfo("Asia/Tokyo"))  # 10:00 Berlin
    assert office().add(tokyo, H) == berlin(2025, 6, 2, 11)
