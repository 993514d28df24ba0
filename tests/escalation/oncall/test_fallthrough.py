"""A level that reaches nobody is never silent: the timeline says so, the leads and supervisors
are told, and the next level fires at once (engine on an injected clock)."""

from datetime import date

import pytest

from escalation import ladder
from escalation.models import Firing
from incidents.models import Absence, Membership
from notifications.models import Notification

from ..sla_setup import HOUR, berlin, escalation_policy, run_engine, sla_policy
from . import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def lonely_rotation(make_user, teams):
    """One agent on call for the desk from Mon 1 Jun 2026, away all week with no deputy."""
    ana = make_user("ana", role="agent")
    Membership.objects.create(user=ana, team=teams["desk"], role="agent")
    builders.rotation(teams["desk"], [ana], date(2026, 6, 1), zone="Europe/Berlin")
    Absence.objects.create(user=ana, start=berlin(2026, 6, 1), end=berlin(2026, 6, 8))
    return ana


def told(ticket, cause):
    return sorted(
        Notification.objects.filter(ticket=ticket, cause=cause).values_list(
            "recipient__username", flat=True
        )
    )


def test_a_level_that_reaches_nobody_tells_leads_and_supervisors_and_the_next_fires_at_once(
    lonely_rotation, make_ticket, customer, teams, lead, supervisor, agent
):
    sla_policy(None, response=4 * HOUR, resolution=8 * HOUR)
    escalation_policy(
        [
            {"anchor": "created", "offset_seconds": 600, "notify": ["on_call"]},
            {"anchor": "created", "offset_seconds": 3 * HOUR, "notify": ["team"]},
        ]
    )
    ticket = make_ticket(customer, team=teams["desk"], at=berlin(2026, 6, 2, 10))
    assert run_engine(berlin(2026, 6, 2, 10, 10)) == 1
    first = Firing.objects.get(ticket=ticket, level=1)
    assert told(ticket, f"firing:{first.pk}") == ["sue", "tier1-lead"]
    event = ticket.events.get(kind="escalated")
    assert event.data["nobody"] is True
    assert event.data["skipped"][0]["name"] == "ana"
    assert sorted(event.data["told_instead"]) == ["sue", "tier1-lead"]
    second = Firing.objects.get(ticket=ticket, level=2)
    assert second.due_at == berlin(2026, 6, 2, 10, 10)  # was 13:00
    # The broker's next look (a tenth of a second later) fires it, on time.
    assert run_engine(berlin(2026, 6, 2, 10, 10)) == 1
    second.refresh_from_db()
    assert second.state == Firing.State.FIRED and not second.late
    assert "tier1-agent" in told(ticket, f"firing:{second.pk}")
    steps = ladder.ladder(ticket, berlin(2026, 6, 2, 10, 11)).past
    assert any("No one available at level 1" in line for line in steps[0].skipped)


def test_a_level_with_someone_to_tell_does_not_fall_through(
    make_ticket, customer, teams, lead, supervisor
):
    sla_policy(None, response=4 * HOUR, resolution=8 * HOUR)
    escalation_policy(
        [
            {"anchor": "created", "offset_seconds": 600, "notify": ["team_leads"]},
            {"anchor": "created", "offset_seconds": 3 * HOUR, "notify": ["team"]},
        ]
    )
    ticket = make_ticket(customer, team=teams["desk"], at=berlin(2026, 6, 2, 10))
    run_engine(berlin(2026, 6, 2, 10, 10))
    assert "nobody" not in ticket.events.get(kind="escalated").data
    assert Firing.objects.get(ticket=ticket, level=2).due_at == berlin(2026, 6, 2, 13)


def test_a_team_that_holds_waits_for_the_next_shift_and_pages_it_then(
    make_user, make_ticket, customer, teams, lead
):
    desk = teams["desk"]
    desk.hold_for_next_shift = True
    desk.save()
    ana, ben = (make_user(name, role="agent") for name in ("ana", "ben"))
    for person in (ana, ben):
        Membership.objects.create(user=person, team=desk, role="agent")
    builders.rotation(desk, [ana, ben], date(2026, 6, 1), zone="Europe/Berlin")
    Absence.objects.create(user=ana, start=berlin(2026, 6, 1, 18), end=berlin(2026, 6, 2, 9))
    sla_policy(None, response=24 * HOUR, resolution=48 * HOUR)
    escalation_policy([{"anchor": "created", "offset_seconds": 600, "notify": ["on_call"]}])
    ticket = make_ticket(customer, team=desk, at=berlin(2026, 6, 1, 20))

    run_engine(berlin(2026, 6, 1, 20, 10))
    firing = Firing.objects.get(ticket=ticket, level=1)
    assert (firing.state, firing.due_at) == (Firing.State.PENDING, berlin(2026, 6, 2, 9))
    assert not Notification.objects.filter(cause=f"firing:{firing.pk}").exists()
    held = ticket.events.get(kind="level_held")
    assert held.data["until"] == "2026-06-02T07:00:00+00:00"  # 09:00 in Berlin
    assert not ticket.events.filter(kind="escalated").exists()
    # A reply re-plans the clocks: the held level keeps waiting for the shift.
    ticket.add_reply(customer, "Anyone there?", at=berlin(2026, 6, 1, 21))
    firing.refresh_from_db()
    assert firing.due_at == berlin(2026, 6, 2, 9)

    assert run_engine(berlin(2026, 6, 2, 8, 59, 59)) == 0
    assert run_engine(berlin(2026, 6, 2, 9)) == 1
    firing.refresh_from_db()
    assert firing.state == Firing.State.FIRED and not firing.late
    assert told(ticket, f"firing:{firing.pk}") == ["ben"]
