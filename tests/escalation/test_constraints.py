"""The database refuses bad calendar, SLA and escalation rows, whatever code path writes them."""

from datetime import date, time

import pytest
from django.db import IntegrityError, transaction

from escalation.models import (
    BusinessCalendar,
    EscalationLevel,
    EscalationPolicy,
    Holiday,
    OpeningHours,
    SLAPolicy,
    SLATarget,
)
from incidents.models import PriorityMatrixEntry


def assert_rejected(write):
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


@pytest.fixture
def calendar(db):
    return BusinessCalendar.objects.create(name="Berlin", timezone="Europe/Berlin")


@pytest.fixture
def sla_policy(db):
    return SLAPolicy.objects.create(name="Standard")


@pytest.fixture
def policy(db):
    return EscalationPolicy.objects.create(name="Standard escalation")


def hours(calendar, weekday=0, start=time(9), end=time(17)):
    return OpeningHours.objects.create(calendar=calendar, weekday=weekday, start=start, end=end)


@pytest.mark.parametrize("weekday", [7, 12])
def test_weekday_is_monday_0_to_sunday_6(calendar, weekday):
    assert_rejected(lambda: hours(calendar, weekday=weekday))


@pytest.mark.parametrize("start,end", [(time(17), time(9)), (time(9), time(9))])
def test_opening_interval_must_end_after_it_starts(calendar, start, end):
    assert_rejected(lambda: hours(calendar, start=start, end=end))


def test_an_interval_may_end_at_midnight(calendar):
    late_shift = hours(calendar, weekday=6, start=time(18), end=time(0))

    assert calendar.snapshot()["intervals"] == [[6, 18 * 3600, 86400]]
    assert late_shift.pk


def test_a_holiday_is_listed_once_per_calendar(calendar):
    Holiday.objects.create(calendar=calendar, date=date(2026, 12, 25), name="Christmas")

    assert_rejected(lambda: Holiday.objects.create(calendar=calendar, date=date(2026, 12, 25)))


@pytest.mark.parametrize("repeat", [10, 99])
def test_repeat_is_at_most_nine(repeat, db):
    assert_rejected(lambda: EscalationPolicy.objects.create(name="Loud", repeat=repeat))


def test_repeating_needs_an_interval(db):
    assert_rejected(
        lambda: EscalationPolicy.objects.create(name="Busy", repeat=3, repeat_interval_seconds=0)
    )


def test_one_target_per_priority_and_policy(sla_policy):
    SLATarget.objects.create(
        policy=sla_policy, priority="P1", first_response_seconds=900, resolution_seconds=14400
    )

    assert_rejected(
        lambda: SLATarget.objects.create(
            policy=sla_policy, priority="P1", first_response_seconds=60, resolution_seconds=600
        )
    )


@pytest.mark.parametrize("priority,response,resolution", [("P7", 60, 60), ("P2", 0, 60)])
def test_target_needs_a_known_priority_and_positive_times(
    sla_policy, priority, response, resolution
):
    assert_rejected(
        lambda: SLATarget.objects.create(
            policy=sla_policy,
            priority=priority,
            first_response_seconds=response,
            resolution_seconds=resolution,
        )
    )


def test_only_one_default_sla_policy(sla_policy):
    SLAPolicy.objects.filter(pk=sla_policy.pk).update(is_default=True)
    SLAPolicy.objects.create(name="Not default")  # any number of non-default policies

    assert_rejected(lambda: SLAPolicy.objects.create(name="Second default", is_default=True))


def test_one_level_per_order_in_a_policy(policy):
    EscalationLevel.objects.create(policy=policy, order=1)
    EscalationLevel.objects.create(policy=EscalationPolicy.objects.create(name="Other"), order=1)

    assert_rejected(lambda: EscalationLevel.objects.create(policy=policy, order=1))


@pytest.mark.parametrize("offset", [91 * 86400, -91 * 86400])
def test_level_offset_is_bounded_to_ninety_days(policy, offset):
    assert_rejected(
        lambda: EscalationLevel.objects.create(policy=policy, order=1, offset_seconds=offset)
    )


def test_level_anchor_must_be_known(policy):
    assert_rejected(lambda: EscalationLevel.objects.create(policy=policy, order=1, anchor="lunch"))


def test_priority_matrix_has_one_priority_per_cell(db):
    PriorityMatrixEntry.objects.create(impact="high", urgency="high", priority="P1")

    assert_rejected(
        lambda: PriorityMatrixEntry.objects.create(impact="high", urgency="high", priority="P2")
    )
    assert_rejected(
        lambda: PriorityMatrixEntry.objects.create(impact="low", urgency="low", priority="P0")
    )
