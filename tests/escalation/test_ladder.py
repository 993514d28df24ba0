"""escalation.ladder: what the workspace shows of a ticket's escalation comes from its firing
rows: fired with who was told, set aside with why, to come only what will fire."""

from datetime import UTC, datetime, timedelta

import pytest

from escalation import ladder
from escalation.models import Firing

from .sla_setup import HOUR, escalation_policy, run_engine, sla_policy

pytestmark = pytest.mark.django_db

T0 = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


def at(minutes):
    return T0 + timedelta(minutes=minutes)


@pytest.fixture
def policy(teams, lead):
    sla_policy(None, response=2 * HOUR, resolution=8 * HOUR)
    return escalation_policy(
        [
            {"anchor": "created", "offset_seconds": 30 * 60, "notify": ["team_leads"]},
            {"anchor": "response_due", "offset_seconds": -15 * 60, "notify": ["team_leads"]},
            {"anchor": "resolution_due", "offset_seconds": 0, "notify": ["team_leads"]},
        ]
    )


def whens(steps):
    return [(step.title.split(",")[0], step.when) for step in steps]


def test_what_fired_says_who_was_told_and_what_is_to_come_will_fire(
    policy, make_ticket, customer, lead
):
    ticket = make_ticket(customer, at=T0)
    run_engine(at(30))
    found = ladder.ladder(ticket, at(31))
    assert whens(found.past) == [("Level 1", "on time")]
    assert found.past[0].notified == [lead.get_username()]
    assert whens(found.upcoming) == [
        ("Level 2 warning", "upcoming"),
        ("First-response SLA breached", "upcoming"),
        ("Level 3", "upcoming"),
        ("Resolution SLA breached", "upcoming"),
    ]
    waiting = {f.key for f in Firing.objects.filter(ticket=ticket, state="pending")}
    assert {step.key for step in found.upcoming} == waiting


def test_an_acknowledgement_sets_the_response_levels_aside_and_says_so(
    policy, make_ticket, customer, agent
):
    ticket = make_ticket(customer, at=T0)
    ticket.acknowledge(agent, at=at(10))
    found = ladder.ladder(ticket, at(11))
    assert whens(found.set_aside) == [("Level 1", "cancelled"), ("Level 2 warning", "cancelled")]
    assert {step.why for step in found.set_aside} == {"the ticket was acknowledged"}
    assert found.set_aside[0].why_at == at(10)
    # The first-response breach that will not happen is not listed at all.
    assert [step.title for step in found.upcoming] == [
        "Level 3, at the resolution deadline",
        "Resolution SLA breached",
    ]


def test_while_paused_levels_are_held_and_say_so(policy, make_ticket, customer, agent):
    ticket = make_ticket(customer, at=T0)
    ticket.change_status(agent, "pending", at=at(5))
    found = ladder.ladder(ticket, at(40))
    held = [step for step in found.upcoming if step.when == "held"]
    assert [step.title.split(",")[0] for step in held] == ["Level 1", "Level 2 warning"]


def test_the_ladder_reads_in_a_fixed_number_of_queries(
    policy, make_ticket, customer, django_assert_max_num_queries
):
    ticket = make_ticket(customer, at=T0)
    run_engine(at(30))
    run_engine(at(105))
    with django_assert_max_num_queries(6):
        ladder.ladder(ticket, at(106))


def test_a_steps_title_reads_in_the_readers_language():
    """The ladder's titles go through the translation (issue 28: agents' pages translatable)."""
    from django.utils import translation

    from escalation.ladder import describe

    warning = {"offset_seconds": -900, "anchor": "resolution_due"}
    assert describe("level", 2, 1, warning) == (
        "Level 2 warning, 15m before the resolution deadline (repeat 1)"
    )
    with translation.override("de"):
        assert describe("response_breach", 0, 0, {}) == "SLA der Erstreaktion verletzt"
        assert describe("level", 2, 1, warning) == (
            "Warnung der Stufe 2, 15m vor der Fälligkeit der Lösung (Wiederholung 1)"
        )
        assert describe("level", 1, 0, {"offset_seconds": 0, "anchor": "created"}) == (
            "Stufe 1, bei der Erstellung"
        )
