"""Scheduled drills: the first Tuesday of each month at 10:00 in the team's zone, exact across
DST changes; the minute tick starts a due one once and plans the next."""

from datetime import time

import pytest

from escalation.majors import drills
from escalation.majors.models import Drill, DrillSchedule
from escalation.majors.schedule import next_run

from ...conftest import utc

FIRST_TUESDAY_10 = (1, 1, time(10), "Europe/Berlin")


def test_first_tuesday_at_ten_in_berlin_winter_and_summer():
    assert next_run(utc(2026, 1, 1), *FIRST_TUESDAY_10) == utc(2026, 1, 6, 9)  # CET
    assert next_run(utc(2026, 1, 6, 9), *FIRST_TUESDAY_10) == utc(2026, 2, 3, 9)
    assert next_run(utc(2026, 3, 20), *FIRST_TUESDAY_10) == utc(2026, 4, 7, 8)  # CEST
    assert next_run(utc(2026, 12, 2), *FIRST_TUESDAY_10) == utc(2027, 1, 5, 9)


def test_the_last_friday_of_a_month():
    assert next_run(utc(2026, 5, 1), 4, 5, time(16), "UTC") == utc(2026, 5, 29, 16)


@pytest.mark.django_db
def test_the_tick_starts_a_due_drill_once_and_plans_the_next(policy, teams, make_user):
    plan = DrillSchedule(
        policy=policy,
        team=teams["desk"],
        spacing_seconds=2,
        weekday=1,
        week_of_month=1,
        at_time=time(10),
        timezone="Europe/Berlin",
        started_by=make_user("sue", role="supervisor"),
    )
    plan.plan_next(utc(2026, 6, 1))
    plan.save()
    assert plan.next_run_at == utc(2026, 6, 2, 8)

    assert drills.run_scheduled(utc(2026, 6, 2, 7, 59)) == []
    started = drills.run_scheduled(utc(2026, 6, 2, 8, 0, 30))
    assert drills.run_scheduled(utc(2026, 6, 2, 8, 1)) == []

    assert [d.policy for d in started] == [policy]
    assert Drill.objects.get().ticket.drill
    plan.refresh_from_db()
    assert plan.next_run_at == utc(2026, 7, 7, 8)
