"""Times in each reader's own zone: pages, mails, a calendar's deadline in both zones, DST."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from helpdesk import zones
from helpdesk.templatetags.times import due_in_zones, when
from incidents.models import Profile
from notifications.models import Notification
from notifications.rendering import show_time
from tests.escalation.sla_setup import HOUR, office_calendar, sla_policy
from tests.mails import rendered

pytestmark = pytest.mark.django_db

OPENED = datetime(2026, 12, 6, 9, 43, tzinfo=UTC)  # 04:43 in New York, 15:13 in Kolkata


def in_zone(user, zone):
    Profile.objects.update_or_create(user=user, defaults={"time_zone": zone})
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def ticket(make_ticket, customer, teams):
    return make_ticket(customer, team=teams["desk"], at=OPENED)


def test_the_same_instant_on_each_readers_page(ticket, customer, agent):
    portal = in_zone(customer, "America/New_York").get(reverse("portal:ticket", args=[ticket.pk]))
    desk = in_zone(agent, "Asia/Kolkata").get(reverse("desk:ticket", args=[ticket.pk]))
    stamp = f'datetime="{OPENED.isoformat()}"'
    portal_html, desk_html = portal.content.decode(), desk.content.decode()
    assert f'{stamp} title="Sun 6 Dec 2026, 04:43:00 EST (America/New_York)">Sun 6 Dec, 04:43<' in (
        portal_html
    )
    assert f'{stamp} title="Sun 6 Dec 2026, 15:13:00 IST (Asia/Kolkata)">Sun 6 Dec, 15:13<' in (
        desk_html
    )


def test_a_person_without_a_zone_reads_the_helpdesks(ticket, customer, settings):
    client = Client()
    client.force_login(customer)
    html = client.get(reverse("portal:ticket", args=[ticket.pk])).content.decode()
    assert "Sun 6 Dec, 09:43<" in html and "UTC (UTC)" in html


def test_the_browsers_zone_is_kept_at_the_first_sign_in_only(customer, client):
    form = {"login": "alice", "password": "pw-Tierdesk-1", "time_zone": "America/New_York"}
    assert client.post(reverse("account_login"), form).status_code == 302
    assert Profile.objects.zone_of(customer) == "America/New_York"
    assert client.session[zones.SESSION_KEY] == "America/New_York"
    other = Client()
    form["time_zone"] = "Asia/Tokyo"
    other.post(reverse("account_login"), form)
    assert Profile.objects.zone_of(customer) == "America/New_York"


def test_a_zone_the_browser_made_up_is_ignored(customer, client):
    form = {"login": "alice", "password": "pw-Tierdesk-1", "time_zone": "Mars/Olympus"}
    client.post(reverse("account_login"), form)
    assert Profile.objects.zone_of(customer) == "UTC"


def test_the_profile_page_changes_name_and_zone(customer, client):
    client.force_login(customer)
    response = client.post(
        reverse("profile"),
        {"name": "Alice Liddell", "time_zone": "Europe/Berlin", "language": "en"},
    )
    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.get_full_name() == "Alice Liddell"
    assert client.session[zones.SESSION_KEY] == "Europe/Berlin"
    page = client.get(reverse("profile")).content.decode()
    assert "Times are shown in Europe/Berlin." in page and "Alice Liddell" in page


def test_the_profile_page_refuses_an_unknown_zone_keeping_the_name(customer, client):
    client.force_login(customer)
    response = client.post(
        reverse("profile"), {"name": "Alice", "time_zone": "Mars/Olympus", "language": "en"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Select a valid choice" in html and 'value="Alice"' in html


def test_mails_show_the_same_instant_in_each_recipients_zone(ticket, customer, agent):
    Profile.objects.create(user=customer, time_zone="America/New_York")
    Profile.objects.create(user=agent, time_zone="Asia/Kolkata")
    receipt = Notification.objects.get(ticket=ticket, kind="received")
    assert "on 2026-12-06 04:43 EST" in rendered(receipt).body
    ticket.assign(None, agent)
    assigned = Notification.objects.get(ticket=ticket, kind="assigned", recipient=agent)
    row = rendered(assigned)
    assert "Opened: 2026-12-06 15:13 IST" in row.body
    assert "2026-12-06 15:13 IST" in row.html_body


def test_a_berlin_deadline_in_both_zones_around_the_dst_change():
    """Berlin leaves summer time on Sun 25 Oct 2026, Kolkata has none: 13:00 in Berlin is
    16:30 in Kolkata the Friday before, 17:30 the Monday after."""
    with timezone.override("Asia/Kolkata"):
        before = due_in_zones(datetime(2026, 10, 23, 11, 0, tzinfo=UTC), "Europe/Berlin")
        after = due_in_zones(datetime(2026, 10, 26, 12, 0, tzinfo=UTC), "Europe/Berlin")
    assert ">Fri 23 Oct, 13:00</time> Berlin · <time" in before
    assert ">16:30</time> your time" in before and "CEST (Europe/Berlin)" in before
    assert ">Mon 26 Oct, 13:00</time> Berlin · <time" in after
    assert ">17:30</time> your time" in after and "CET (Europe/Berlin)" in after


def test_a_deadline_past_midnight_for_the_reader_names_the_day():
    with timezone.override("America/New_York"):
        html = due_in_zones(datetime(2026, 12, 8, 2, 0, tzinfo=UTC), "Asia/Kolkata")
    assert (
        ">Tue 8 Dec, 07:30</time> Kolkata" in html and ">Mon 7 Dec, 21:00</time> your time" in html
    )


def test_the_same_offset_shows_one_time():
    with timezone.override("Europe/Paris"):
        html = due_in_zones(datetime(2026, 12, 8, 12, 0, tzinfo=UTC), "Europe/Berlin")
    assert "your time" not in html and ">Tue 8 Dec, 13:00<" in html


def test_the_hour_berlin_repeats_is_told_apart_in_the_tooltip():
    """02:30 happens twice in Berlin on 25 Oct 2026: first in summer time, then in winter time."""
    with timezone.override("Europe/Berlin"):
        first = when(datetime(2026, 10, 25, 0, 30, tzinfo=UTC))
        second = when(datetime(2026, 10, 25, 1, 30, tzinfo=UTC))
    assert ">Sun 25 Oct, 02:30<" in first and ">Sun 25 Oct, 02:30<" in second
    assert "02:30:00 CEST" in first and "02:30:00 CET " in second


def test_a_mail_around_the_dst_change_shows_the_local_offset():
    assert show_time("2026-11-01T05:30:00+00:00", zone="America/New_York") == (
        "2026-11-01 01:30 EDT"
    )
    assert show_time("2026-11-01T06:30:00+00:00", zone="America/New_York") == (
        "2026-11-01 01:30 EST"
    )


def test_the_workspace_shows_a_berlin_deadline_also_in_the_agents_zone(
    make_ticket, customer, teams, agent
):
    sla_policy(office_calendar(), response=4 * HOUR, resolution=16 * HOUR)
    ticket = make_ticket(customer, team=teams["desk"])
    html = in_zone(agent, "Asia/Kolkata").get(reverse("desk:ticket", args=[ticket.pk]))
    html = html.content.decode()
    berlin_due = ticket.response_due_at.astimezone(ZoneInfo("Europe/Berlin"))
    kolkata_due = ticket.response_due_at.astimezone(ZoneInfo("Asia/Kolkata"))
    assert f"{berlin_due:%H:%M}</time> Berlin · <time" in html
    assert f"{kolkata_due:%H:%M}</time> your time" in html
    berlin_reader = in_zone(agent, "Europe/Berlin")
    html = berlin_reader.get(reverse("desk:ticket", args=[ticket.pk])).content.decode()
    assert "your time" not in html


def test_a_page_does_not_walk_the_tz_database(customer, ticket, monkeypatch):
    """zoneinfo.available_timezones() reads every file of the tz database (about 20 ms): the
    zone kept in the session is checked against the names read once."""
    import zoneinfo

    client = in_zone(customer, "America/New_York")
    assert client.get(reverse("portal:ticket", args=[ticket.pk])).status_code == 200

    def walked():
        raise AssertionError("available_timezones() called for a page")

    monkeypatch.setattr(zoneinfo, "available_timezones", walked)
    html = client.get(reverse("portal:ticket", args=[ticket.pk])).content.decode()
    assert "EST (America/New_York)" in html
    assert Profile(user=customer, time_zone="Asia/Kolkata").full_clean(exclude=["user"]) is None


def test_a_zone_the_tz_database_does_not_know_reads_as_the_helpdesks(customer, ticket):
    """A profile's zone written around the form (an update, an older tz database's name): the
    pages fall back to the helpdesk's zone instead of failing with a 500."""
    Profile.objects.create(user=customer, time_zone="Europe/Berlin")
    Profile.objects.filter(user=customer).update(time_zone="Mars/Olympus")
    client = Client()
    client.force_login(customer)
    response = client.get(reverse("portal:ticket", args=[ticket.pk]))
    assert response.status_code == 200
    assert "Sun 6 Dec, 09:43<" in response.content.decode()
