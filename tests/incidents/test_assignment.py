"""Auto-assignment per team: round robin or least loaded, among members on shift and not away;
the `assigned` event says who and why."""

from datetime import UTC, date, datetime, timedelta

import pytest

from incidents.models import Absence, Membership, Ticket
from tests.escalation.oncall.builders import rotation

pytestmark = pytest.mark.django_db
T0 = datetime(2026, 6, 2, 10, tzinfo=UTC)


@pytest.fixture
def crew(make_user, teams):
    people = [make_user(name, role="agent") for name in ("ana", "ben", "cem")]
    for person in people:
        Membership.objects.create(user=person, team=teams["desk"], role="agent")
    return people


def auto(teams, rule):
    desk = teams["desk"]
    desk.auto_assign = rule
    desk.save()
    return desk


def open_one(make_ticket, customer, desk, at=T0, **fields):
    return make_ticket(customer, team=desk, at=at, **fields)


def test_off_by_default(make_ticket, customer, teams, crew):
    assert open_one(make_ticket, customer, teams["desk"]).assignee is None


def test_round_robin_takes_turns_and_skips_the_away(make_ticket, customer, teams, crew):
    desk = auto(teams, "round_robin")
    ana, ben, cem = crew
    Absence.objects.create(user=ben, start=T0 - timedelta(days=1), end=T0 + timedelta(days=1))
    got = [open_one(make_ticket, customer, desk).assignee for _ in range(4)]
    assert got == [ana, cem, ana, cem]
    event = Ticket.objects.filter(assignee=cem).first().events.get(kind="assigned")
    assert event.data["auto"] is True
    assert event.data["why"] == "round robin: next in turn of 2 not away (ben away)"


def test_least_loaded_weighs_open_tickets_by_priority(make_ticket, customer, teams, crew):
    ana, ben, cem = crew
    desk = teams["desk"]
    heavy = open_one(make_ticket, customer, desk, impact="high", urgency="high")  # P1: 4
    heavy.assign(None, ana)
    for _ in range(3):  # 3 x P3 (medium/medium): 6
        open_one(make_ticket, customer, desk).assign(None, ben)
    light = open_one(make_ticket, customer, desk, impact="low", urgency="low")  # P4: 1
    light.assign(None, cem)
    auto(teams, "least_loaded")
    first = open_one(make_ticket, customer, desk)
    assert first.assignee == cem  # 1 against 4 and 6
    assert "least loaded: open load 1 of 3" in first.events.get(kind="assigned").data["why"]
    # cem now carries 1 + 2 = 3, still the lightest; resolved tickets do not count.
    light.resolve(None, at=T0)
    assert open_one(make_ticket, customer, desk).assignee == cem


def test_only_members_on_shift_are_chosen(make_ticket, customer, teams, crew):
    ana, ben, cem = crew
    rotation(teams["desk"], [ben], date(2026, 6, 1))
    desk = auto(teams, "round_robin")
    assert [open_one(make_ticket, customer, desk).assignee for _ in range(2)] == [ben, ben]
    Absence.objects.create(user=ben, start=T0 - timedelta(hours=1), end=T0 + timedelta(hours=1))
    nobody = open_one(make_ticket, customer, desk)
    assert nobody.assignee is None
    assert not nobody.events.filter(kind="assigned").exists()


def test_a_ticket_moved_to_an_auto_assigning_team_is_assigned_there(
    make_ticket, customer, teams, supervisor, tier2_agent
):
    teams["apps"].auto_assign = "round_robin"
    teams["apps"].save()
    ticket = open_one(make_ticket, customer, teams["desk"])
    ticket.move_to_team(supervisor, teams["apps"], at=T0)
    ticket.refresh_from_db()
    assert ticket.assignee == tier2_agent
