"""Examples of the package's functions, with a calendar and without one (24x7, real time).

Plain pytest functions: no Django, no fixtures.
"""

from datetime import UTC, datetime, timedelta

import pytest

from escalation.business_time import (
    add_business,
    business_seconds_between,
    next_opening,
)

from .examples import (
    BERLIN,
    H,
    berlin,
    office,
    utc,
)


def test_24x7_without_calendar_is_real_time_across_dst():
    spring = add_business(None, berlin(2025, 3, 30, 0, 30), 4 * H)
    assert spring == berlin(2025, 3, 30, 5, 30)
    assert spring.utcoffset() == timedelta(0)
    assert spring.astimezone(BERLIN).utcoffset() == timedelta(hours=2)
    fall = add_business(None, berlin(2025, 10, 26, 0, 30), 4 * H)
    assert fall == utc(2025, 10, 26, 2, 30)
    assert fall.astimezone(BERLIN).replace(tzinfo=None) == datetime(2025, 10, 26, 3, 30)
    assert fall.astimezone(BERLIN).utcoffset() == timedelta(hours=1)


def test_helpers_delegate_to_the_calendar():
    cal = office()
    start, end = berlin(2025, 6, 2, 11), berlin(2025, 6, 4, 10, 30)
    assert add_business(cal, start, 8 * H) == cal.add(start, 8 * H)
    assert business_seconds_between(cal, start, end) == cal.between(start, end)


def test_helpers_without_calendar_are_real_time():
    start = berlin(2025, 6, 7, 12)
    assert add_business(None, start, -H) == utc(2025, 6, 7, 9)
    assert business_seconds_between(None, start, berlin(2025, 6, 8, 12)) == 24 * H
    assert next_opening(None, start) == start
    assert next_opening(None, start).tzinfo is UTC


@pytest.mark.parametrize(
    "call",
    [
        lambda cal, naive: cal.add(naive, H),
        lambda cal, naive: cal.add(naive, 0),
        lambda cal, naive: cal.between(naive, berlin(2025, 6, 2)),
        lambda cal, naive: cal.between(berlin(2025, 6, 2), naive),
        lambda cal, naive: cal.next_opening(naive),
        lambda cal, naive: cal.is_open(naive),
        lambda cal, naive: add_business(None, naive, H),
        lambda cal, naive: business_seconds_between(None, naive, naive),
        lambda cal, naive: next_opening(None, naive),
    ],
)
def test_naive_input_is_rejected(call):
    with pytest.raises(ValueError, match="naive"):
        call(office(), datetime(2025, 6, 2, 10))
