"""Swaps and cover on the desk: a member asks another to take a range; accepting makes an
override that records both names and changes who is on call."""

from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

from escalation import oncall
from escalation.models import CoverRequest, OnCallOverride
from incidents.models import Membership
from tests.escalation.oncall.builders import rotation


def test_ask_then_accept_makes_an_override_with_both_names(client, make_user, teams, agent):
    start = (timezone.now() + timedelta(days=2)).replace(minute=0, second=0, microsecond=0)
    end = start + timedelta(hours=14)
    at = start + timedelta(hours=2)
    ben = make_user("ben", role="agent")
    Membership.objects.create(user=ben, team=teams["desk"], role="agent")
    rotation(teams["desk"], [agent], date(2026, 1, 1))
    client.force_login(agent)
    asked = client.post(
        "/desk/me/cover/",
        {
            "cover-team": teams["desk"].pk,
            "cover-layer": 1,
            "cover-start": local(start),
            "cover-end": local(end),
            "cover-asked": ben.pk,
            "cover-note": "Dentist",
        },
    )
    assert asked.status_code == 302
    request = CoverRequest.objects.get()
    assert not OnCallOverride.objects.exists()
    assert oncall.on_call_now(teams["desk"].pk, at).primary == agent.pk

    # Only the person asked can accept.
    assert client.post(f"/desk/me/cover/{request.pk}/accept/").status_code == 404
    client.force_login(ben)
    assert "asks you to cover Service Desk" in client.get("/desk/me/").content.decode()
    assert client.post(f"/desk/me/cover/{request.pk}/accept/").status_code == 302
    override = OnCallOverride.objects.get()
    assert (override.user, override.covering_for, override.created_by) == (ben, agent, ben)
    assert (override.start, override.end) == (start, end)
    assert oncall.on_call_now(teams["desk"].pk, at).primary == ben.pk
    # Accepting again changes nothing.
    client.post(f"/desk/me/cover/{request.pk}/accept/")
    assert OnCallOverride.objects.count() == 1


def local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_asking_someone_outside_the_team_is_refused(client, teams, agent, tier2_agent):
    client.force_login(agent)
    response = client.post(
        "/desk/me/cover/",
        {
            "cover-team": teams["desk"].pk,
            "cover-layer": 1,
            "cover-start": "2026-06-02T18:00",
            "cover-end": "2026-06-03T08:00",
            "cover-asked": tier2_agent.pk,
        },
        follow=True,
    )
    assert "Not a member of Service Desk" in response.content.decode()
    assert not CoverRequest.objects.exists()


def test_a_declined_request_makes_nothing(client, make_user, teams, agent):
    ben = make_user("ben", role="agent")
    Membership.objects.create(user=ben, team=teams["desk"], role="agent")
    request = CoverRequest.objects.create(
        team=teams["desk"],
        start=datetime(2026, 6, 2, 18, tzinfo=UTC),
        end=datetime(2026, 6, 3, 8, tzinfo=UTC),
        requested_by=agent,
        asked=ben,
    )
    client.force_login(ben)
    client.post(f"/desk/me/cover/{request.pk}/decline/")
    assert client.post(f"/desk/me/cover/{request.pk}/accept/").status_code == 302
    assert not OnCallOverride.objects.exists()
