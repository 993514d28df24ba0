"""Examples with holidays: skipped days, long closures, a calendar that never opens again.

Plain pytest functions: no Django, no fixtures.
"""

from datetime import date, datetime, timedelta

import pytest

from escalation.business_time import (
    MAX_IDLE_DAYS,
    NeverOpens,
)

from .examples import (
    BERLIN,
    H,
    berlin,
    office,
)


def test_holidays_over_ten_years_are_skipped():
    holidays = {date(y, m, d) for y in range(2025, 2036) for m, d in [(1, 1), (12, 25), (5, 1)]}
    cal = office(holidays=holidays)
    start = berlin(2025, 6, 2, 9)
    due = cal.add(start, 10 * 52 * 40 * H)
    assert cal.between(start, due) == 10 * 52 * 40 * H
    assert cal.add(due, -10 * 52 * 40 * H) == start
    weekdays_off = sum(1 for h in holidays if h.weekday() < 5 and start.date() <= h < due.date())
    plain = office().add(start, 10 * 52 * 40 * H)
    assert office().between(plain, due) == weekdays_off * 8 * H


def test_easter_holidays_are_skipped():
    cal = office(holidays={date(2025, 4, 18), date(2025, 4, 21)})
    assert cal.add(berlin(2025, 4, 17, 16), 8 * H) == berlin(2025, 4, 22, 16)
    assert cal.between(berlin(2025, 4, 17, 16), berlin(2025, 4, 22, 16)) == 8 * H


def test_calendar_closed_for_ten_years_cannot_add():
    first = date(2025, 6, 1)
    closed = {first + timedelta(days=i) for i in range(MAX_IDLE_DAYS + 10)}
    cal = office(holidays=closed)
    with pytest.raises(NeverOpens, match="never opens again after 2025-06-0"):
        cal.add(berlin(2025, 6, 2), H)
    assert cal.next_opening(berlin(2025, 6, 2)) is None
    assert not cal.is_open(berlin(2025, 6, 2, 10))
    assert cal.is_open(berlin(2025, 5, 30, 17), include_close=True)  # the last closing
    assert not cal.is_open(berlin(2025, 5, 30, 17))
    # Walking back out of the closure is fine, and so is counting over it.
    assert cal.add(berlin(2026, 6, 2), -H) == berlin(2025, 5, 30, 16)
    reopen = datetime.combine(
        first + timedelta(days=MAX_IDLE_DAYS + 10), datetime.min.time(), BERLIN
    )
    assert cal.between(berlin(2025, 5, 30), reopen) == 8 * H


def test_long_but_finite_closure_is_walked_over():
    first = date(2025, 6, 2)
    cal = office(holidays={first + timedelta(days=i) for i in range(365)})
    assert cal.add(berlin(2025, 6, 2, 9), H) == berlin(2026, 6, 2, 10)
