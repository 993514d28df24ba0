"""The engine fires each level on time, once, and only while its condition holds."""

from datetime import timedelta

import pytest

from escalation import engine
from escalation.models import EscalationLevel, Firing
from incidents.models import Membership
from notifications.models import Notification

from .sla_setup import (
    HOUR,
    berlin,
    escalation_policy,
    fired,
    office_calendar,
    run_engine,
    sla_policy,
)

pytestmark = pytest.mark.django_db

WARN = {"anchor": "response_due", "offset_seconds": -900, "notify": ["team_leads"]}
BREACH = {"anchor": "response_due", "offset_seconds": 0, "notify": ["team_leads", "supervisors"]}


@pytest.fixture
def setup(teams, lead, supervisor):
    policy = sla_policy(office_calendar(), response=4 * HOUR, resolution=16 * HOUR)
    policy.targets.create(
        priority="P4", first_response_seconds=8 * HOUR, resolution_seconds=40 * HOUR
    )
    policy.targets.create(priority="P2", first_response_seconds=HOUR, resolution_seconds=8 * HOUR)
    return teams


def open_at(make_ticket, customer, teams, at, **fields):
    return make_ticket(customer, team=teams["desk"], at=at, **fields)


def test_warning_then_breach_fire_once_each_at_their_instants(setup, make_ticket, customer):
    escalation_policy([dict(WARN), dict(BREACH)])
    ticket = open_at(make_ticket, customer, setup, berlin(2025, 6, 2, 12, 30))
    assert ticket.response_due_at == berlin(2025, 6, 2, 16, 30)

    assert run_engine(berlin(2025, 6, 2, 16, 14, 59)) == 0
    assert run_engine(berlin(2025, 6, 2, 16, 15)) == 1
    assert fired(ticket) == [("level", 1, 0)]
    assert list(
        Notification.objects.filter(ticket=ticket, cause__startswith="firing:").values_list(
            "kind", "recipient__username"
        )
    ) == [("sla_warning", "tier1-lead")]

    ticket.assign(None, None)  # any later save of the ticket sends nothing again
    ticket.add_reply(ticket.requester, "any news?", at=berlin(2025, 6, 2, 16, 20))
    assert run_engine(berlin(2025, 6, 2, 16, 20)) == 0

    assert run_engine(berlin(2025, 6, 2, 16, 30)) == 2
    assert sorted(fired(ticket)) == [("level", 1, 0), ("level", 2, 0), ("response_breach", 0, 0)]
    assert run_engine(berlin(2025, 6, 3, 12, 0)) == 0
    escalated = ticket.events.filter(kind="escalated").order_by("at")
    assert [e.data["level"] for e in escalated] == [1, 2]
    assert escalated[0].data["late"] is False
    assert escalated[0].data["due_at"] == "2025-06-02T14:15:00+00:00"
    breach = ticket.events.get(kind="breached")
    assert breach.at == berlin(2025, 6, 2, 16, 30)
    ticket.refresh_from_db()
    assert ticket.breached and ticket.response_breached_at == berlin(2025, 6, 2, 16, 30)
    assert ticket.escalation_level == 2


def test_a_warning_that_fired_is_not_rearmed_when_its_deadline_moves(
    setup, make_ticket, customer, agent
):
    """SPEC "Moves keep the ladder honest": each (ticket, policy, level, repeat) fires once over
    the ticket's life; a priority change that moves the deadline moves what has not fired."""
    escalation_policy([dict(WARN), dict(BREACH)])
    ticket = open_at(make_ticket, customer, setup, berlin(2025, 6, 2, 12, 30))
    run_engine(berlin(2025, 6, 2, 16, 15))
    assert fired(ticket) == [("level", 1, 0)]

    # P4 answers within 8 business hours: 12:30 Monday + 8h = 12:30 Tuesday.
    ticket.set_priority(agent, "P4", at=berlin(2025, 6, 2, 16, 20), reason="Can wait")
    ticket.refresh_from_db()
    assert ticket.response_due_at == berlin(2025, 6, 3, 12, 30)
    assert run_engine(berlin(2025, 6, 2, 16, 30)) == 0  # the old deadline is gone
    assert run_engine(berlin(2025, 6, 3, 12, 15)) == 0  # the warning was given once already
    assert fired(ticket) == [("level", 1, 0)]
    # The level at the deadline and the breach follow the deadline to its new time.
    assert run_engine(berlin(2025, 6, 3, 12, 30)) == 2


def test_acknowledgement_cancels_response_levels_but_not_resolution(
    setup, make_ticket, customer, agent
):
    escalation_policy(
        [
            dict(WARN),
            {"anchor": "created", "offset_seconds": 1800, "notify": ["team"]},
            {"anchor": "resolution_due", "offset_seconds": 0, "notify": ["team_leads"]},
        ]
    )
    ticket = open_at(make_ticket, customer, setup, berlin(2025, 6, 2, 12, 30))
    ticket.acknowledge(agent, at=berlin(2025, 6, 2, 12, 45))
    assert run_engine(berlin(2025, 6, 2, 17, 0)) == 0
    assert not Firing.objects.filter(
        ticket=ticket, anchor__in=["created", "response_due"], state__in=["pending", "claimed"]
    ).exists()
    # 16 business hours from Monday 12:30 is Wednesday 12:30.
    assert run_engine(berlin(2025, 6, 4, 12, 30)) == 2  # resolution level and its breach
    assert fired(ticket) == [("level", 3, 0), ("resolution_breach", 0, 0)]


def test_resolution_cancels_every_level(setup, make_ticket, customer, agent):
    escalation_policy([dict(WARN), dict(BREACH)])
    ticket = open_at(make_ticket, customer, setup, berlin(2025, 6, 2, 12, 30))
    ticket.resolve(agent, at=berlin(2025, 6, 2, 13, 0))
    assert run_engine(berlin(2025, 6, 9, 12, 0)) == 0
    assert fired(ticket) == []


def test_an_ack_committed_while_a_worker_holds_the_claim_wins(setup, make_ticket, customer, agent):
    escalation_policy([dict(WARN)])
    ticket = open_at(make_ticket, customer, setup, berlin(2025, 6, 2, 12, 30))
    claimed = engine.claim_due(now=berlin(2025, 6, 2, 16, 15))
    assert len(claimed) == 1
    ticket.acknowledge(agent, at=berlin(2025, 6, 2, 16, 15, 0, 500000))
    assert engine.fire_many(claimed, now=berlin(2025, 6, 2, 16, 15, 1)) == 0
    assert not Notification.objects.filter(ticket=ticket).exclude(kind="received").exists()
    assert Firing.objects.get(pk=claimed[0]).state == "cancelled"


def test_repeat_twice_then_silence(setup, make_ticket, customer):
    escalation_policy([dict(WARN), dict(BREACH)], repeat=2, interval=600)
    ticket = open_at(make_ticket, customer, setup, berlin(2025, 6, 2, 12, 30))
    for minute in range(14, 60):
        run_engine(berlin(2025, 6, 2, 16, minute))
    run_engine(berlin(2025, 6, 3, 16, 0))
    levels = [f for f in fired(ticket) if f[0] == "level"]
    assert levels == [("level", 1, 0), ("level", 2, 0), ("level", 2, 1), ("level", 2, 2)]
    times = Firing.objects.filter(ticket=ticket, level=2).order_by("repeat")
    assert [f.due_at for f in times] == [berlin(2025, 6, 2, 16, m) for m in (30, 40, 50)]


def test_after_downtime_each_overdue_level_fires_once_marked_late(setup, make_ticket, customer):
    escalation_policy([dict(WARN), dict(BREACH)], repeat=2, interval=600)
    ticket = open_at(make_ticket, customer, setup, berlin(2025, 6, 2, 12, 30))
    run_engine(berlin(2025, 6, 2, 17, 10))  # the workers were down from 16:00 to 17:10
    run_engine(berlin(2025, 6, 2, 17, 11))
    assert sorted(fired(ticket)) == [("level", 1, 0), ("level", 2, 0), ("response_breach", 0, 0)]
    assert all(f.late for f in Firing.objects.filter(ticket=ticket, state="fired"))
    assert Firing.objects.filter(ticket=ticket, state="skipped").count() == 2
    assert all(e.data["late"] for e in ticket.events.filter(kind="escalated"))


def test_editing_a_policy_changes_new_tickets_only(setup, make_ticket, customer):
    policy = escalation_policy([dict(WARN)])
    running = open_at(make_ticket, customer, setup, berlin(2025, 6, 2, 12, 30))
    EscalationLevel.objects.filter(policy=policy).update(offset_seconds=-1800)
    fresh = open_at(make_ticket, customer, setup, berlin(2025, 6, 2, 12, 30))
    due = {t.pk: Firing.objects.get(ticket=t, kind="level").due_at for t in (running, fresh)}
    assert due[running.pk] == berlin(2025, 6, 2, 16, 15)
    assert due[fresh.pk] == berlin(2025, 6, 2, 16, 0)


def test_a_level_reassigns_raises_priority_and_notifies_the_receiving_team(
    setup, make_ticket, customer, tier2_agent, lead, make_user
):
    tier2_lead = make_user("tier2-lead", role="agent")
    Membership.objects.create(user=tier2_lead, team=setup["apps"], role="lead")
    escalation_policy(
        [
            {
                "anchor": "response_due",
                "offset_seconds": 0,
                "notify": ["team_leads"],
                "reassign_to": setup["apps"],
                "set_priority": "P2",
            }
        ]
    )
    ticket = open_at(make_ticket, customer, setup, berlin(2025, 6, 2, 12, 30))
    run_engine(berlin(2025, 6, 2, 16, 30))
    ticket.refresh_from_db()
    assert ticket.team == setup["apps"] and ticket.priority == "P2"
    assert not ticket.priority_overridden
    notified = Notification.objects.filter(ticket=ticket, kind="escalated")
    assert list(notified.values_list("recipient__username", flat=True)) == ["tier2-lead"]


def test_pausing_moves_the_resolution_deadline_to_the_second(setup, make_ticket, customer, agent):
    escalation_policy(
        [{"anchor": "resolution_due", "offset_seconds": -900, "notify": ["team_leads"]}]
    )
    ticket = open_at(make_ticket, customer, setup, berlin(2025, 6, 2, 9, 0))
    assert ticket.resolution_due_at == berlin(2025, 6, 3, 17, 0)
    ticket.acknowledge(agent, at=berlin(2025, 6, 2, 9, 30))
    ticket.change_status(agent, "pending", at=berlin(2025, 6, 2, 11, 0, 30))
    assert run_engine(berlin(2025, 6, 3, 16, 45)) == 0
    assert run_engine(berlin(2025, 6, 3, 17, 0)) == 0
    ticket.add_reply(customer, "here you go", at=berlin(2025, 6, 4, 10, 30))
    ticket.refresh_from_db()
    assert ticket.status == "open"
    # Paused 30 s later than 11:00 means 30 s less pause: due 16:29:30, not 16:30.
    assert ticket.resolution_due_at == berlin(2025, 6, 5, 16, 29, 30)
    assert run_engine(berlin(2025, 6, 5, 16, 14, 29)) == 0
    assert run_engine(berlin(2025, 6, 5, 16, 14, 30)) == 1


def test_firing_twice_is_a_noop(setup, make_ticket, customer):
    escalation_policy([dict(WARN)])
    ticket = open_at(make_ticket, customer, setup, berlin(2025, 6, 2, 12, 30))
    firing = Firing.objects.get(ticket=ticket, kind="level")
    now = berlin(2025, 6, 2, 16, 15) + timedelta(seconds=1)
    assert engine.fire_many([firing.pk], now=now) == 1
    assert engine.fire_many([firing.pk], now=now) == 0
    assert Notification.objects.filter(cause=f"firing:{firing.pk}").count() == 1


def test_the_spec_pause_example_gives_thursday_1630(setup, make_ticket, customer, agent):
    ticket = open_at(make_ticket, customer, setup, berlin(2025, 6, 2, 9, 0))
    ticket.change_status(agent, "pending", at=berlin(2025, 6, 2, 11, 0))
    ticket.refresh_from_db()
    assert ticket.sla_paused_at == berlin(2025, 6, 2, 11, 0)
    ticket.add_reply(customer, "done", at=berlin(2025, 6, 4, 10, 30))
    ticket.refresh_from_db()
    assert ticket.resolution_due_at == berlin(2025, 6, 5, 16, 30)
    assert ticket.sla_paused_at is None
