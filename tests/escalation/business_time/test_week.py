"""Examples of the weekly opening intervals: merging, gaps, midnight, validation.

Plain pytest functions: no Django, no fixtures.
"""

import pytest

from escalation.business_time import (
    Calendar,
    NeverOpens,
    next_opening,
)

from .examples import (
    H,
    M,
    berlin,
    lunch_break,
    office,
)


def test_lunch_break_is_skipped():
    cal = lunch_break()
    assert cal.add(berlin(2025, 6, 2, 11), 2 * H) == berlin(2025, 6, 2, 14)
    assert cal.add(berlin(2025, 6, 2, 11), H) == berlin(2025, 6, 2, 12)
    assert cal.between(berlin(2025, 6, 2, 11), berlin(2025, 6, 2, 14)) == 2 * H
    assert cal.add(berlin(2025, 6, 2, 13), -30 * M) == berlin(2025, 6, 2, 11, 30)


def test_start_inside_lunch_gap():
    cal = lunch_break()
    assert cal.add(berlin(2025, 6, 2, 12, 30), H) == berlin(2025, 6, 2, 14)
    assert cal.add(berlin(2025, 6, 2, 12, 30), -H) == berlin(2025, 6, 2, 11)
    assert not cal.is_open(berlin(2025, 6, 2, 12, 30))
    assert cal.next_opening(berlin(2025, 6, 2, 12, 30)) == berlin(2025, 6, 2, 13)


def test_overlapping_and_adjacent_intervals_are_merged():
    cal = Calendar("Europe/Berlin", ((0, 11 * H, 13 * H), (0, 9 * H, 12 * H), (0, 13 * H, 14 * H)))
    assert cal.between(berlin(2025, 6, 2), berlin(2025, 6, 3)) == 5 * H
    assert cal.add(berlin(2025, 6, 2, 9), 5 * H) == berlin(2025, 6, 2, 14)


def test_interval_ending_at_midnight_continues_into_the_next_day():
    cal = Calendar("Europe/Berlin", ((0, 22 * H, 86400), (1, 0, 2 * H)))
    monday_22 = berlin(2025, 6, 2, 22)
    assert cal.add(berlin(2025, 6, 2, 23), 2 * H) == berlin(2025, 6, 3, 1)
    assert cal.add(monday_22, 2 * H) == berlin(2025, 6, 3, 0)
    assert cal.add(monday_22, 4 * H) == berlin(2025, 6, 3, 2)
    assert cal.add(berlin(2025, 6, 3, 1), -2 * H) == berlin(2025, 6, 2, 23)
    assert cal.between(berlin(2025, 6, 2, 21), berlin(2025, 6, 3, 3)) == 4 * H
    assert cal.is_open(berlin(2025, 6, 3, 0))
    assert cal.next_opening(berlin(2025, 6, 3, 0)) == berlin(2025, 6, 3, 0)


def test_weekend_start_counts_from_monday_opening():
    cal = office()
    saturday = berlin(2025, 6, 7, 10)
    assert cal.add(saturday, H) == berlin(2025, 6, 9, 10)
    assert not cal.is_open(saturday)
    assert cal.next_opening(saturday) == berlin(2025, 6, 9, 9)
    assert next_opening(cal, saturday) == berlin(2025, 6, 9, 9)


def test_empty_calendar_cannot_add():
    cal = Calendar("Europe/Berlin", ())
    with pytest.raises(NeverOpens, match="no business hours in the calendar"):
        cal.add(berlin(2025, 6, 2), H)
    with pytest.raises(NeverOpens, match="no business hours in the calendar"):
        cal.add(berlin(2025, 6, 2), -H)
    assert cal.add(berlin(2025, 6, 2), 0) == berlin(2025, 6, 2)
    assert cal.between(berlin(2025, 6, 2), berlin(2026, 6, 2)) == 0
    assert cal.next_opening(berlin(2025, 6, 2)) is None


@pytest.mark.parametrize(
    "intervals",
    [((7, 0, H),), ((-1, 0, H),), ((0, H, H),), ((0, 2 * H, H),), ((0, 0, 86401),), ((0, 0),)],
)
def test_invalid_intervals_are_rejected(intervals):
    with pytest.raises(ValueError):
        Calendar("Europe/Berlin", intervals)


def test_calendar_from_json_lists_is_hashable_and_equal():
    from_json = Calendar("Europe/Berlin", [[d, 9 * H, 17 * H] for d in range(5)], [])
    assert from_json == office()
    assert hash(from_json) == hash(office())
