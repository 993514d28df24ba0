"""Status rules of the ticket lifecycle (SPEC "Tickets"), each action leaving a TicketEvent."""

import pytest

from incidents.models import Reply
from incidents.models.lifecycle import TransitionError
from tests.conftest import utc

T0 = utc(2026, 3, 2, 9, 0)


@pytest.fixture
def ticket(make_ticket, customer, teams):
    return make_ticket(customer, team=teams["desk"], at=T0)


def last_event(ticket, kind):
    return ticket.events.filter(kind=kind).last()


def test_customer_reply_on_pending_ticket_reopens_it(ticket, agent, customer):
    ticket.change_status(agent, "pending", at=utc(2026, 3, 2, 10))

    ticket.add_reply(customer, "Here is the screenshot.", at=utc(2026, 3, 2, 11))

    ticket.refresh_from_db()
    assert ticket.status == "open"
    event = last_event(ticket, "status_changed")
    assert (event.before, event.after, event.actor) == (
        {"status": "pending"},
        {"status": "open"},
        customer,
    )
    assert event.at == utc(2026, 3, 2, 11)


def test_customer_reply_on_resolved_ticket_reopens_it(ticket, agent, customer):
    ticket.resolve(agent, at=utc(2026, 3, 2, 10))
    assert ticket.resolved_at == utc(2026, 3, 2, 10)

    ticket.add_reply(customer, "Still broken, sorry.", at=utc(2026, 3, 2, 12))

    ticket.refresh_from_db()
    assert ticket.status == "open"
    assert ticket.resolved_at is None
    assert last_event(ticket, "status_changed").data == {"reopened": True}


def test_customer_reply_on_on_hold_ticket_keeps_it_on_hold(ticket, agent, customer):
    ticket.change_status(agent, "on_hold", at=utc(2026, 3, 2, 10))

    ticket.add_reply(customer, "Any news?", at=utc(2026, 3, 2, 11))

    ticket.refresh_from_db()
    assert ticket.status == "on_hold"


def test_closed_is_final(ticket, agent, customer):
    ticket.resolve(agent, at=utc(2026, 3, 2, 10))
    ticket.close(agent, at=utc(2026, 3, 3, 10))
    assert ticket.closed_at == utc(2026, 3, 3, 10)

    for action in (
        lambda: ticket.change_status(agent, "open"),
        lambda: ticket.reopen(customer),
        lambda: ticket.add_reply(customer, "Hello?"),
        lambda: ticket.add_reply(agent, "Note", internal=True),
        lambda: ticket.acknowledge(agent),
        lambda: ticket.escalate(agent, "Too hard"),
    ):
        with pytest.raises(TransitionError):
            action()
    ticket.refresh_from_db()
    assert ticket.status == "closed"
    assert not ticket.replies.exists()


def test_only_a_resolved_ticket_can_be_closed_or_reopened(ticket, agent):
    with pytest.raises(TransitionError):
        ticket.close(agent)
    with pytest.raises(TransitionError):
        ticket.reopen(agent)
    with pytest.raises(TransitionError):
        ticket.change_status(agent, "closed")


def test_first_public_agent_reply_acknowledges_once(ticket, agent, lead):
    ticket.add_reply(agent, "Looking into it.", at=utc(2026, 3, 2, 9, 7, 30))
    ticket.add_reply(lead, "Me too.", at=utc(2026, 3, 2, 9, 30))
    ticket.acknowledge(lead, at=utc(2026, 3, 2, 10))

    ticket.refresh_from_db()
    assert ticket.acknowledged_at == utc(2026, 3, 2, 9, 7, 30)
    assert ticket.status == "open"
    acknowledged = ticket.events.filter(kind="acknowledged")
    assert [(e.actor, e.at) for e in acknowledged] == [(agent, utc(2026, 3, 2, 9, 7, 30))]
    assert list(ticket.events.values_list("kind", flat=True)) == [
        "created",
        "replied",
        "acknowledged",
        "status_changed",
        "replied",
    ]


def test_internal_note_does_not_acknowledge(ticket, agent):
    ticket.add_reply(agent, "Probably the printer driver.", internal=True, at=utc(2026, 3, 2, 10))

    ticket.refresh_from_db()
    assert ticket.acknowledged_at is None
    assert ticket.status == "new"
    assert last_event(ticket, "note_added").data["internal"] is True


def test_customer_cannot_write_an_internal_note(ticket, customer):
    with pytest.raises(TransitionError):
        ticket.add_reply(customer, "psst", internal=True)

    assert not Reply.objects.exists()
    assert not ticket.events.filter(kind="note_added").exists()


def test_escalation_needs_a_reason(ticket, agent):
    for reason in ("", "   ", None):
        with pytest.raises(TransitionError, match="reason"):
            ticket.escalate(agent, reason)

    ticket.refresh_from_db()
    assert (ticket.team.slug, ticket.escalation_level) == ("service-desk", 0)


def test_escalation_moves_to_next_tier_and_records_before_and_after(ticket, agent, teams):
    ticket.assign(agent, agent, at=utc(2026, 3, 2, 9, 5))

    ticket.escalate(agent, "  Needs a database expert. ", at=utc(2026, 3, 2, 10))

    ticket.refresh_from_db()
    assert ticket.team == teams["apps"]
    assert ticket.escalation_level == 1
    assert ticket.assignee is None  # the tier-1 agent does not work tier 2's queue
    escalated = last_event(ticket, "escalated")
    assert escalated.before == {"team": teams["desk"].pk, "escalation_level": 0}
    assert escalated.after == {"team": teams["apps"].pk, "escalation_level": 1}
    assert escalated.data["reason"] == "Needs a database expert."
    moved = last_event(ticket, "team_changed")
    assert (moved.before, moved.after) == ({"team": teams["desk"].pk}, {"team": teams["apps"].pk})


def test_escalation_can_skip_a_tier(ticket, agent, teams):
    ticket.escalate(agent, "Clearly a code bug", team=teams["eng"])

    ticket.refresh_from_db()
    assert ticket.team == teams["eng"]


def test_escalation_from_the_top_tier_needs_a_target(make_ticket, customer, teams, agent):
    top = make_ticket(customer, team=teams["eng"])

    with pytest.raises(TransitionError, match="no next tier"):
        top.escalate(agent, "Escalate anyway")


def test_status_change_outside_the_rules_is_refused(ticket, agent):
    ticket.change_status(agent, "on_hold", at=utc(2026, 3, 2, 10))

    with pytest.raises(TransitionError):
        ticket.change_status(agent, "closed")
    assert last_event(ticket, "status_changed").after == {"status": "on_hold"}


def test_assign_and_priority_override_record_before_and_after(ticket, lead, agent):
    ticket.assign(lead, agent, at=utc(2026, 3, 2, 9, 10))
    ticket.set_priority(lead, "P1", at=utc(2026, 3, 2, 9, 11), reason="CEO affected")

    assigned = last_event(ticket, "assigned")
    assert (assigned.before, assigned.after) == ({"assignee": None}, {"assignee": agent.pk})
    changed = last_event(ticket, "priority_changed")
    assert (changed.before, changed.after) == ({"priority": "P3"}, {"priority": "P1"})
    assert changed.data == {"override": True, "reason": "CEO affected"}
    ticket.refresh_from_db()
    assert ticket.priority_overridden is True


def test_repeating_an_action_records_nothing(ticket, agent):
    ticket.assign(agent, agent)
    before = ticket.events.count()

    assert ticket.assign(agent, agent) is None
    assert ticket.change_status(agent, ticket.status) is None
    assert ticket.set_priority(agent, ticket.priority) is None
    assert ticket.events.count() == before


def test_rating_only_after_resolution(ticket, agent, customer):
    with pytest.raises(TransitionError):
        ticket.rate(customer, 5)
    ticket.resolve(agent)

    ticket.rate(customer, 4, "Quick fix")

    ticket.refresh_from_db()
    assert (ticket.rating, ticket.rating_comment) == (4, "Quick fix")
    assert last_event(ticket, "rated").after == {"rating": 4}


def test_update_applies_each_change_with_its_event(ticket, agent, teams):
    ticket.update(agent, team=teams["apps"], priority="P1", status="pending", reason="Outage")

    kinds = list(ticket.events.values_list("kind", flat=True))
    assert kinds[-4:] == ["team_changed", "escalated", "priority_changed", "status_changed"]
    ticket.refresh_from_db()
    assert (ticket.team, ticket.priority, ticket.status) == (teams["apps"], "P1", "pending")
    assert ticket.priority_overridden


def test_update_refuses_fields_that_are_not_an_agent_edit(ticket, agent):
    with pytest.raises(TransitionError, match="cannot be edited: subject"):
        ticket.update(agent, subject="renamed")


def test_requester_reopens_only_within_the_window(ticket, agent, customer, settings):
    settings.REOPEN_WINDOW_DAYS = 14
    ticket.resolve(agent, at=utc(2026, 3, 2, 10))

    with pytest.raises(TransitionError):
        ticket.reopen(customer, at=utc(2026, 3, 16, 10))
    ticket.reopen(customer, at=utc(2026, 3, 16, 9, 59, 59))

    ticket.refresh_from_db()
    assert ticket.status == "open"


def test_an_agent_reopens_after_the_window(ticket, agent, settings):
    settings.REOPEN_WINDOW_DAYS = 1
    ticket.resolve(agent, at=utc(2026, 3, 2, 10))

    ticket.reopen(agent, at=utc(2026, 4, 2, 10))

    assert ticket.status == "open"


def test_rating_once_per_resolution(ticket, agent, customer):
    ticket.resolve(agent, at=utc(2026, 3, 2, 10))
    ticket.rate(customer, 5, at=utc(2026, 3, 2, 11))
    with pytest.raises(TransitionError):
        ticket.rate(customer, 1, at=utc(2026, 3, 2, 12))

    ticket.reopen(customer, at=utc(2026, 3, 3, 9))
    ticket.resolve(agent, at=utc(2026, 3, 3, 10))
    assert not ticket.is_rated()
    ticket.rate(customer, 2, at=utc(2026, 3, 3, 11))

    ticket.refresh_from_db()
    assert ticket.rating == 2 and ticket.is_rated()
