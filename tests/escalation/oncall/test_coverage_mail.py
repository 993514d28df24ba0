"""The supervisors' daily mail lists the forecast's holes, once a day, and nothing when none."""

from datetime import UTC, date, datetime

import pytest

from escalation import coverage, tasks
from incidents.models import Absence, Membership
from notifications.models import Notification

from ..sla_setup import escalation_policy
from . import builders

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 6, 1, 0, 30, tzinfo=UTC)


@pytest.fixture
def ana(make_user, teams):
    ana = make_user("ana", role="agent")
    Membership.objects.create(user=ana, team=teams["desk"], role="agent")
    builders.rotation(teams["desk"], [ana], date(2026, 6, 1), handoff=datetime.min.time())
    escalation_policy([{"anchor": "created", "offset_seconds": 600, "notify": ["on_call"]}])
    return ana


def test_holes_are_mailed_to_the_supervisors_once_a_day(ana, supervisor):
    Absence.objects.create(
        user=ana, start=datetime(2026, 6, 2, 2, tzinfo=UTC), end=datetime(2026, 6, 2, 6, tzinfo=UTC)
    )
    assert coverage.mail_holes(T0) == 1
    (mail,) = Notification.objects.filter(kind="coverage_holes")
    assert mail.recipient == supervisor
    assert mail.subject == "On-call coverage: 1 hole in the next 14 days"
    assert "Service Desk:\n- Tue 2 Jun 02:00–Tue 2 Jun 06:00: level 1 of Escalation" in mail.body
    coverage.mail_holes(T0)  # the same day again: no second mail
    assert Notification.objects.filter(kind="coverage_holes").count() == 1


def test_no_hole_no_mail(ana, supervisor):
    assert coverage.mail_holes(T0) == 0
    assert not Notification.objects.filter(kind="coverage_holes").exists()


def test_the_daily_task_hands_off_to_the_domain(ana, supervisor, monkeypatch):
    called = []
    monkeypatch.setattr(coverage, "mail_holes", lambda: called.append(True) or 0)
    assert tasks.mail_coverage_holes() == 0 and called == [True]
