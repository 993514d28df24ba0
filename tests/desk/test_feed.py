"""The on-call iCalendar feed: final shifts at a secret URL, overrides included, parsed back."""

from datetime import timedelta

from django.utils import timezone
from icalendar import Calendar

from escalation.models import OnCallFeed, OnCallOverride
from incidents.models import Membership
from tests.escalation.oncall.builders import rotation


def test_the_feed_lists_my_final_shifts_and_a_new_link_retires_the_old(
    client, make_user, teams, agent
):
    ben = make_user("ben", role="agent")
    Membership.objects.create(user=ben, team=teams["desk"], role="agent")
    today = timezone.now().date()
    rotation(teams["desk"], [agent, ben], today - timedelta(days=2))
    cover_start = timezone.now().replace(microsecond=0) + timedelta(days=3)
    OnCallOverride.objects.create(
        team=teams["desk"],
        layer=1,
        user=agent,
        start=cover_start,
        end=cover_start + timedelta(hours=2),
    )
    client.force_login(agent)
    page = client.get("/desk/me/").content.decode()
    token = OnCallFeed.objects.get(user=agent).token
    assert f"/desk/on-call/{token}.ics" in page
    client.logout()  # calendar apps do not sign in

    response = client.get(f"/desk/on-call/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    summaries = [str(e["summary"]) for e in events]
    assert "On call: Service Desk (primary) (covering)" in summaries
    assert summaries.count("On call: Service Desk (primary)") >= 30  # every other day, ±
    covering = next(e for e in events if "covering" in str(e["summary"]))
    assert covering.decoded("dtstart") == cover_start
    assert covering.decoded("dtend") == cover_start + timedelta(hours=2)
    assert len({str(e["uid"]) for e in events}) == len(events)

    client.force_login(agent)
    client.post("/desk/me/feed/")
    assert client.get(f"/desk/on-call/{token}.ics").status_code == 404
    assert (
        client.get(f"/desk/on-call/{OnCallFeed.objects.get(user=agent).token}.ics").status_code
        == 200
    )
