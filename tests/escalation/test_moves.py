"""Moves keep the ladder honest (SPEC): a move never re-fires a level or fires one due before it.

Each test drives the engine on an injected clock (run_engine(now)), 24×7 calendars, tickets
opened at 09:00 UTC."""

from datetime import UTC, datetime

import pytest

from escalation.models import Firing
from notifications.models import Notification

from .sla_setup import HOUR, escalation_policy, fired, run_engine, sla_policy

pytestmark = pytest.mark.django_db

MINUTE = 60


def at(hour, minute=0, second=0):
    return datetime(2025, 6, 2, hour, minute, second, tzinfo=UTC)


def level(offset, anchor="created", **fields):
    return {"anchor": anchor, "offset_seconds": offset, "notify": ["team_leads"], **fields}


@pytest.fixture
def targets(teams, lead, supervisor):
    """P3: 8 h to respond, 24 h to resolve (a 09:00 ticket breaches at 17:00, after the levels
    these tests fire); P1: 2 h and 12 h; P4: 10 h and 40 h."""
    policy = sla_policy(None, response=8 * HOUR, resolution=24 * HOUR)
    policy.targets.create(
        priority="P1", first_response_seconds=2 * HOUR, resolution_seconds=12 * HOUR
    )
    policy.targets.create(
        priority="P4", first_response_seconds=10 * HOUR, resolution_seconds=40 * HOUR
    )
    return teams


def for_team(team, levels, **kwargs):
    policy = escalation_policy(levels, name=f"{team.name} ladder", **kwargs)
    policy.teams.set([team])
    return policy


def rows(ticket, policy):
    return dict(
        Firing.objects.filter(ticket=ticket, key__contains=f":p{policy.pk}:").values_list(
            "level", "state"
        )
    )


def test_a_move_passes_over_the_new_policys_past_levels_and_fires_the_later_one_on_time(
    targets, make_ticket, customer, supervisor
):
    first = for_team(targets["desk"], [level(HOUR)])
    second = for_team(targets["apps"], [level(30 * MINUTE), level(3 * HOUR)])
    ticket = make_ticket(customer, team=targets["desk"], at=at(9))
    assert run_engine(at(10)) == 1

    ticket.move_to_team(supervisor, targets["apps"], at=at(10, 42))
    assert run_engine(at(10, 42, 1)) == 0  # level 1 of the new policy was due at 09:30
    assert run_engine(at(11, 59, 59)) == 0
    assert run_engine(at(12)) == 1

    assert rows(ticket, first) == {1: Firing.State.FIRED}
    assert rows(ticket, second) == {1: Firing.State.PASSED, 2: Firing.State.FIRED}
    later = Firing.objects.get(ticket=ticket, key__contains=f":p{second.pk}:l2:")
    assert later.late is False and later.fired_at == at(12)
    passed = Firing.objects.get(ticket=ticket, state=Firing.State.PASSED)
    assert passed.outcome == {
        "why": "the ticket moved to Application Support",
        "at": at(10, 42).isoformat(),
    }
    # Nobody was told of the level passed over.
    assert not Notification.objects.filter(cause=f"firing:{passed.pk}").exists()
    escalated = ticket.events.filter(kind="escalated").values_list("data__level", flat=True)
    assert sorted(escalated) == [1, 2]


def test_a_priority_change_refreezes_the_same_policy_and_nothing_refires(
    targets, make_ticket, customer, supervisor
):
    policy = escalation_policy(
        [level(HOUR), level(-15 * MINUTE, "response_due"), level(0, "response_due")]
    )
    ticket = make_ticket(customer, team=targets["desk"], at=at(9))
    assert run_engine(at(10)) == 1  # created + 1 h
    assert run_engine(at(16, 45)) == 1  # the warning, 15 min before 17:00

    # P1 answers within two hours: the deadline is now 11:00, long gone at 16:50.
    ticket.set_priority(supervisor, "P1", at=at(16, 50), reason="Payroll is down")
    assert run_engine(at(16, 50, 1)) == 1  # the breach of the new target is recorded, once
    assert run_engine(at(20, 59, 59)) == 0  # (the P1 resolution target falls at 21:00)
    assert [(kind, lvl) for kind, lvl, _ in fired(ticket)] == [
        ("level", 1),
        ("level", 2),
        ("response_breach", 0),
    ]
    # Level 3 (at the deadline) was due at 11:00 under P1: passed over, never sent.
    assert rows(ticket, policy) == {
        1: Firing.State.FIRED,
        2: Firing.State.FIRED,
        3: Firing.State.PASSED,
    }
    assert Firing.objects.get(state=Firing.State.PASSED).outcome["why"] == (
        "the priority changed to P1"
    )


def test_lowering_the_priority_moves_what_has_not_fired_and_refires_nothing(
    targets, make_ticket, customer, supervisor
):
    escalation_policy([level(-15 * MINUTE, "response_due"), level(0, "response_due")])
    ticket = make_ticket(customer, team=targets["desk"], at=at(9))
    assert run_engine(at(16, 45)) == 1

    ticket.set_priority(supervisor, "P4", at=at(16, 50), reason="A workaround")  # 10 h: to 19:00
    assert run_engine(at(18, 45)) == 0  # the warning was given once, for this ticket, ever
    assert run_engine(at(19)) == 2  # level 2 and the breach, at the new deadline
    assert [lvl for kind, lvl, _ in fired(ticket) if kind == "level"] == [1, 2]


def test_a_move_back_to_the_first_team_fires_nothing_already_fired(
    targets, make_ticket, customer, supervisor
):
    first = for_team(targets["desk"], [level(HOUR), level(6 * HOUR)])
    second = for_team(targets["apps"], [level(30 * MINUTE), level(5 * HOUR)])
    ticket = make_ticket(customer, team=targets["desk"], at=at(9))
    assert run_engine(at(10)) == 1

    ticket.move_to_team(supervisor, targets["apps"], at=at(10, 30))
    ticket.move_to_team(supervisor, targets["desk"], at=at(11))
    assert run_engine(at(14, 30)) == 0  # the second policy's level 2 went with the move back
    assert run_engine(at(15)) == 1  # the first policy's level 2, on time
    assert run_engine(at(16, 59)) == 0

    assert rows(ticket, first) == {1: Firing.State.FIRED, 2: Firing.State.FIRED}
    assert rows(ticket, second) == {1: Firing.State.PASSED, 2: Firing.State.CANCELLED}
    cancelled = Firing.objects.get(state=Firing.State.CANCELLED)
    assert cancelled.outcome["why"] == "the ticket moved to Service Desk"
    assert Firing.objects.filter(ticket=ticket, state=Firing.State.FIRED).count() == 2


def test_after_downtime_overdue_levels_fire_once_marked_late(targets, make_ticket, customer):
    escalation_policy([level(HOUR), level(2 * HOUR)], repeat=4, interval=30 * MINUTE)
    ticket = make_ticket(customer, team=targets["desk"], at=at(9))
    assert run_engine(at(12, 30)) == 2  # both levels; the overdue repeats are dropped
    assert run_engine(at(12, 30, 1)) == 0
    assert list(
        Firing.objects.filter(ticket=ticket, state=Firing.State.FIRED)
        .order_by("level")
        .values_list("level", "repeat", "late")
    ) == [(1, 0, True), (2, 0, True)]
    assert run_engine(at(13)) == 1  # the next repeat, on time
    assert fired(ticket)[-1] == ("level", 2, 4)


def test_a_move_during_downtime_keeps_what_was_owed_before_it(
    targets, make_ticket, customer, supervisor
):
    """Levels overdue before a move (the engine was down) still fire once, late: a move is not
    downtime, but it does not excuse what downtime owes."""
    escalation_policy([level(HOUR), level(4 * HOUR)])  # every team's policy
    ticket = make_ticket(customer, team=targets["desk"], at=at(9))
    ticket.move_to_team(supervisor, targets["apps"], at=at(11))
    assert run_engine(at(11, 0, 5)) == 1
    [(late,)] = Firing.objects.filter(ticket=ticket, state="fired").values_list("late")
    assert late is True
    assert run_engine(at(13)) == 1


def test_the_engines_own_move_passes_over_the_receiving_policys_past_levels(
    targets, make_ticket, customer
):
    receiving = for_team(targets["apps"], [level(30 * MINUTE), level(4 * HOUR)])
    for_team(targets["desk"], [level(2 * HOUR, reassign_to=targets["apps"])])
    ticket = make_ticket(customer, team=targets["desk"], at=at(9))
    assert run_engine(at(11)) == 1
    ticket.refresh_from_db()
    assert ticket.team == targets["apps"]
    assert rows(ticket, receiving) == {1: Firing.State.PASSED, 2: Firing.State.PENDING}
    assert Firing.objects.get(state=Firing.State.PASSED).outcome["why"] == (
        "the ticket was escalated to Application Support"
    )
    assert run_engine(at(12, 59)) == 0
    assert run_engine(at(13)) == 1
