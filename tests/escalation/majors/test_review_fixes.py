"""Found reviewing the majors code (issue 24's follow-up), each failing before its fix:
a team named twice was a 500; a party that reached nobody showed "paged" and nobody heard of
it; someone paged before a handoff could no longer acknowledge; any agent could speak to every
linked ticket's requester and resolve them, team or not."""

from datetime import date, timedelta

import pytest

from escalation.majors.lifecycle import IncidentError
from escalation.majors.models import MajorIncident
from escalation.majors.repaging import repage_due
from incidents.models import Membership, Team

from ..oncall import builders
from .conftest import DECLARED
from .test_api import URL, declare

pytestmark = pytest.mark.django_db
MIN = timedelta(minutes=1)


def test_a_team_or_contact_named_twice_is_called_once_not_a_500(api, cast, teams):
    answer = declare(
        api,
        cast["commander"],
        teams=[teams["apps"].pk, teams["apps"].pk],
        contacts=[cast["vendor"].pk, cast["vendor"].pk],
    )

    assert answer.status_code == 201, answer.content
    assert [(p["kind"], p["id"]) for p in answer.json()["parties"]] == [
        ("team", teams["apps"].pk),
        ("contact", cast["vendor"].pk),
    ]


def test_a_party_that_reached_nobody_says_so_and_is_on_the_timeline(cast, teams):
    empty = Team.objects.create(name="Night shift", slug="night", tier=1)
    incident = MajorIncident.declare(
        cast["commander"], "Checkout is down", "SEV1", teams=[empty, teams["apps"]], at=DECLARED
    )

    board = {p.team_id: p for p in incident.parties.all()}
    assert board[empty.pk].state == "unreached"
    assert board[teams["apps"].pk].state == "paged"
    nobody = incident.entries.get(kind="paged", data__party="Night shift")
    assert nobody.data["nobody"] is True


def test_someone_paged_before_a_handoff_can_still_acknowledge(cast, teams):
    # The desk's rotation hands over from ana to ben at 09:00 on 3 June.
    builders.rotation(teams["apps"], [cast["ana"], cast["ben"]], date(2026, 6, 2))
    evening = DECLARED.replace(hour=8, day=3) - timedelta(minutes=2)
    incident = MajorIncident.declare(
        cast["commander"], "Checkout is down", "SEV1", teams=[teams["apps"]], at=evening
    )
    assert incident.parties.get().paged == [cast["ana"].pk]
    repage_due(evening + 5 * MIN + timedelta(hours=1))  # ben's shift now: ben is paged
    assert incident.parties.get().paged == [cast["ben"].pk]

    incident.acknowledge(cast["ana"], at=evening + 2 * 60 * MIN)

    assert incident.parties.get().acknowledged_by == cast["ana"]


def test_only_the_commander_supervisors_and_called_teams_speak_for_the_incident(
    api, cast, teams, make_user, desk_ticket
):
    incident = MajorIncident.declare(
        cast["commander"], "Checkout is down", "SEV1", teams=[teams["apps"]], at=DECLARED
    )
    incident.link(cast["commander"], desk_ticket)
    outsider = make_user("olga", role="agent")
    Membership.objects.create(user=outsider, team=teams["desk"], role="agent")

    for path, body in (("updates", {"body": "Fixed?"}), ("resolve", {"body": "Fixed."})):
        refused = api(outsider).post(f"{URL}{incident.pk}/{path}/", body, format="json")
        assert refused.status_code == 403, refused.content
    with pytest.raises(IncidentError):
        incident.resolve(outsider, "Fixed.")
    assert (
        api(cast["lee"])
        .post(  # a member of a called team
            f"{URL}{incident.pk}/updates/", {"body": "Rolling back."}, format="json"
        )
        .status_code
        == 201
    )
    assert (
        api(make_user("sue", role="supervisor"))
        .post(f"{URL}{incident.pk}/resolve/", {"body": "Fixed."}, format="json")
        .status_code
        == 200
    )


def test_only_someone_a_drill_reached_can_acknowledge_it(client, policy, teams, cast, make_user):
    from escalation.majors import drills

    from ..sla_setup import run_engine

    drill = drills.start(
        policy, teams["desk"], make_user("sam", role="supervisor"), spacing=2, at=DECLARED
    )
    run_engine(DECLARED + timedelta(seconds=2))  # level 1: the desk's on-call person, ana
    link = f"/desk/drills/ack/{drill.ticket_id}/"
    client.force_login(cast["lee"])  # an agent, not reached by level 1

    client.post(link)

    drill.ticket.refresh_from_db()
    assert drill.ticket.acknowledged_at is None
    client.force_login(cast["ana"])
    client.post(link)
    drill.ticket.refresh_from_db()
    assert drill.ticket.acknowledged_at is not None


def test_a_drill_ticket_cannot_be_linked_to_an_incident(api, policy, teams, cast, make_user):
    from escalation.majors import drills

    sam = make_user("sam", role="supervisor")
    drill = drills.start(policy, teams["desk"], sam, spacing=2, at=DECLARED)
    incident = MajorIncident.declare(
        cast["commander"], "Checkout is down", "SEV1", teams=[teams["apps"]], at=DECLARED
    )

    answer = api(sam).post(f"{URL}{incident.pk}/link/", {"ticket": drill.ticket_id}, format="json")

    assert answer.status_code == 400 and "drill" in answer.json()["ticket"]
    assert not incident.tickets.exists()


def test_a_schedule_whose_policy_was_switched_off_skips_its_run_and_stops_no_other(
    policy, teams, make_user
):
    from datetime import time

    from escalation.majors import drills
    from escalation.majors.models import DrillSchedule
    from escalation.models import EscalationPolicy

    sue = make_user("sue", role="supervisor")
    off = EscalationPolicy.objects.create(name="Retired ladder", is_active=False)
    plans = []
    for drilled in (off, policy):
        plan = DrillSchedule(
            policy=drilled, team=teams["desk"], weekday=1, at_time=time(10), started_by=sue
        )
        plan.plan_next(DECLARED - timedelta(days=40))
        plan.save()
        plans.append(plan)

    started = drills.run_scheduled(DECLARED)

    assert [d.policy for d in started] == [policy]
    for plan in plans:
        plan.refresh_from_db()
        assert plan.next_run_at > DECLARED
