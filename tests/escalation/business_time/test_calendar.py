"""Examples of Calendar's arithmetic: add, between, is_open, exactness, range and speed.

Plain pytest functions: no Django, no fixtures.
"""

import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from escalation.business_time import (
    Calendar,
    NeverOpens,
    OutOfRange,
    business_seconds_between,
    business_time_between,
)

from .examples import (
    BERLIN,
    H,
    M,
    berlin,
    lunch_break,
    office,
    round_the_clock,
    utc,
)

_S = timedelta(seconds=1)


def test_fifty_fractional_pauses_sum_exactly():
    cal = lunch_break()
    start, end = berlin(2025, 3, 24, 9, 0, 0, 123457), berlin(2025, 4, 4, 17, 30)
    cuts = sorted(start + (end - start) * ((k * 7919) % 1000) / 1000 for k in range(1, 50))
    cuts = [start, *[c + timedelta(microseconds=k * 37) for k, c in enumerate(cuts)], end]
    pauses = list(zip(cuts, cuts[1:], strict=False))
    assert len(pauses) == 50
    assert sum((business_time_between(cal, a, b) for a, b in pauses), timedelta(0)) == (
        cal.duration_between(start, end)
    )
    whole = cal.duration_between(start, end)
    assert whole == timedelta(hours=7 * 10, microseconds=-123457)  # 10 days of 7 h, less 0.12 s
    truncated = sum(cal.between(a, b) for a, b in pauses)
    assert whole // _S - 50 < truncated <= whole // _S
    assert cal.between(start, end) == whole // _S


def test_duration_between_is_signed_and_exact():
    cal = office()
    a, b = berlin(2025, 6, 2, 10), berlin(2025, 6, 2, 10, 0, 1, 999999)
    assert cal.duration_between(a, b) == timedelta(seconds=1, microseconds=999999)
    assert cal.duration_between(b, a) == -timedelta(seconds=1, microseconds=999999)
    assert business_time_between(None, a, b) == timedelta(seconds=1, microseconds=999999)
    assert business_time_between(cal, berlin(2025, 6, 7), berlin(2025, 6, 8)) == timedelta(0)


def one_hour_a_week(tz="Europe/Berlin"):
    return Calendar(tz, ((0, 10 * H, 11 * H),))


def test_a_year_of_business_time_on_one_hour_a_week():
    due = one_hour_a_week().add(berlin(2025, 6, 2, 11), 365 * 86400)
    expected_day = date(2025, 6, 2) + timedelta(weeks=365 * 24)
    assert due == datetime.combine(expected_day, datetime.min.time(), BERLIN) + timedelta(hours=11)
    assert due.year == 2193
    assert one_hour_a_week().add(due, -365 * 86400) == berlin(2025, 6, 9, 10)
    assert one_hour_a_week().between(berlin(2025, 6, 2, 11), due) == 365 * 86400


def test_largest_target_on_office_hours():
    due = office().add(berlin(2025, 6, 2, 9), 2**31 - 1)
    weeks, rest = divmod(2**31 - 1, 40 * H)
    expected_day = date(2025, 6, 2) + timedelta(weeks=weeks)
    local = datetime.combine(expected_day, datetime.min.time(), BERLIN)
    assert due == local + timedelta(hours=9, seconds=rest)
    assert office().between(berlin(2025, 6, 2, 9), due) == 2**31 - 1


def test_largest_target_on_one_hour_a_week_is_out_of_range():
    began = time.perf_counter()
    with pytest.raises(OutOfRange, match="datetime") as caught:
        one_hour_a_week().add(berlin(2025, 6, 2, 11), 2**31 - 1)
    assert isinstance(caught.value, NeverOpens)
    assert isinstance(caught.value, OverflowError)
    assert time.perf_counter() - began < 10  # ~1.5 s cold (8,000 years of zone data), ~2 ms warm
    with pytest.raises(OutOfRange):
        one_hour_a_week().add(berlin(2025, 6, 2, 11), -(2**31 - 1))


def test_pause_extends_the_due_date_by_its_business_time():
    cal = office()
    created = berlin(2025, 6, 2, 9)
    assert cal.add(created, 16 * H) == berlin(2025, 6, 3, 17)  # exactly at closing
    paused = cal.between(berlin(2025, 6, 2, 11), berlin(2025, 6, 4, 10, 30))
    assert paused == 6 * H + 8 * H + 90 * M
    assert cal.add(created, 16 * H + paused) == berlin(2025, 6, 5, 16, 30)


def test_pausing_30_seconds_later_makes_the_due_date_30_seconds_earlier():
    cal = office()
    paused = cal.between(berlin(2025, 6, 2, 11, 0, 30), berlin(2025, 6, 4, 10, 30))
    assert paused == 6 * H + 8 * H + 90 * M - 30
    assert cal.add(berlin(2025, 6, 2, 9), 16 * H + paused) == berlin(2025, 6, 5, 16, 29, 30)


def test_negative_offsets_walk_back():
    cal = office()
    assert cal.add(berlin(2025, 6, 3, 9, 30), -H) == berlin(2025, 6, 2, 16, 30)
    assert cal.add(berlin(2025, 6, 6, 17), -15 * M) == berlin(2025, 6, 6, 16, 45)


def test_negative_offset_ending_at_opening_returns_the_opening():
    assert office().add(berlin(2025, 6, 3, 10), -H) == berlin(2025, 6, 3, 9)


def test_positive_offset_ending_at_closing_returns_the_closing():
    assert office().add(berlin(2025, 6, 6, 16), H) == berlin(2025, 6, 6, 17)


def test_negative_offset_from_outside_counts_from_previous_closing():
    assert office().add(berlin(2025, 6, 7, 12), -H) == berlin(2025, 6, 6, 16)


def test_zero_offset_returns_start_in_utc_even_when_closed():
    start = datetime(2025, 6, 7, 12, tzinfo=ZoneInfo("Asia/Tokyo"))
    result = office().add(start, 0)
    assert result == start
    assert result.tzinfo is UTC


def test_between_is_antisymmetric():
    cal = office()
    a, b = berlin(2025, 6, 2, 11), berlin(2025, 6, 4, 10, 30)
    assert cal.between(b, a) == -cal.between(a, b) == -(15 * H + 30 * M)
    assert cal.between(a, a) == 0


def test_microseconds_are_kept():
    cal = office()
    due = cal.add(berlin(2025, 3, 28, 15, 0, 0, 500000), 4 * H)
    assert due == utc(2025, 3, 31, 9, 0, 0, 500000)
    start = berlin(2025, 6, 6, 16, 59, 59, 500000)
    due = cal.add(start, 1)
    assert due == berlin(2025, 6, 9, 9, 0, 0, 500000)
    assert cal.between(start, due) == 1


def test_between_truncates_fractions_toward_zero():
    cal = office()
    a, b = berlin(2025, 6, 2, 10), berlin(2025, 6, 2, 10, 0, 1, 999999)
    assert cal.between(a, b) == 1
    assert cal.between(b, a) == -1
    assert business_seconds_between(None, a, b) == 1
    assert business_seconds_between(None, b, a) == -1


def test_is_open_is_half_open_unless_closing_included():
    cal = office()
    assert cal.is_open(berlin(2025, 6, 2, 9))
    assert not cal.is_open(berlin(2025, 6, 2, 17))
    assert cal.is_open(berlin(2025, 6, 2, 17), include_close=True)
    assert not cal.is_open(berlin(2025, 6, 2, 17, 0, 1), include_close=True)


def test_five_business_days_is_fast():
    cal = office()
    start = berlin(2025, 6, 4, 13)
    runs = 1000
    began = time.perf_counter()
    for _ in range(runs):
        due = cal.add(start, 5 * 8 * H)
    per_add = (time.perf_counter() - began) / runs
    assert due == berlin(2025, 6, 11, 13)
    # Generous (the target is ~30 us), so a loaded CI box still passes.
    assert per_add < 0.001


def test_ten_years_is_as_fast_as_five_days():
    cal = round_the_clock()  # every offset change touches an interval
    start = berlin(2025, 6, 4, 13)
    cal.add(start, 3652 * 86400)  # warm the zone's offset changes
    runs = 50
    began = time.perf_counter()
    for _ in range(runs):
        fresh = round_the_clock()
        due = fresh.add(start, 3652 * 86400)
        assert fresh.between(start, due) == 3652 * 86400
    per_call = (time.perf_counter() - began) / runs / 2
    assert due == start + timedelta(days=3652)
    assert per_call < 0.005
