"""The API's instants are ISO 8601 whoever reads them; their readable twins (`*_display`) are in
the requesting person's profile zone, which `time_zone` names (docs/api.md "Times")."""

from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.dateparse import parse_datetime

from incidents.models import Profile, Ticket
from tests.escalation.sla_setup import HOUR, office_calendar, sla_policy

OPENED = datetime(2026, 12, 6, 9, 43, tzinfo=UTC)  # 04:43 in New York, 15:13 in Kolkata
INSTANTS = [name for name in ("created_at", "response_due_at", "resolution_due_at")]


def zone(user, name):
    Profile.objects.update_or_create(user=user, defaults={"time_zone": name})


def read(client, ticket):
    response = client.get(f"/api/tickets/{ticket.pk}/")
    assert response.status_code == 200
    return response.json()


@pytest.fixture
def ticket(make_ticket, customer, teams):
    sla_policy(office_calendar(), response=4 * HOUR, resolution=16 * HOUR)
    return make_ticket(customer, team=teams["desk"], at=OPENED)


def test_a_new_york_customer_and_a_kolkata_agent_read_the_same_instants(
    api, ticket, customer, agent
):
    zone(customer, "America/New_York")
    zone(agent, "Asia/Kolkata")
    theirs, ours = read(api(customer), ticket), read(api(agent), ticket)
    for name in INSTANTS:
        assert theirs[name] is not None
        assert parse_datetime(theirs[name]) == parse_datetime(ours[name])
    assert theirs["time_zone"] == "America/New_York" and ours["time_zone"] == "Asia/Kolkata"
    assert theirs["created_display"] == "Sun 6 Dec 2026, 04:43 EST"
    assert ours["created_display"] == "Sun 6 Dec 2026, 15:13 IST"
    due = Ticket.objects.get(pk=ticket.pk).response_due_at  # Berlin hours: Mon 7 Dec, 13:00
    assert due == datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    assert theirs["response_due_display"] == "Mon 7 Dec 2026, 07:00 EST"
    assert ours["response_due_display"] == "Mon 7 Dec 2026, 17:30 IST"
    assert theirs["resolved_display"] is None and theirs["resolved_at"] is None


@pytest.mark.parametrize(
    ("at", "new_york", "kolkata"),
    [
        # New York leaves summer time at 02:00 on Sun 1 Nov 2026: 01:30 comes twice.
        (datetime(2026, 11, 1, 5, 30, tzinfo=UTC), "Sun 1 Nov 2026, 01:30 EDT", "11:00 IST"),
        (datetime(2026, 11, 1, 6, 30, tzinfo=UTC), "Sun 1 Nov 2026, 01:30 EST", "12:00 IST"),
        # and enters it at 02:00 on Sun 14 Mar 2027: 02:30 never happens there.
        (datetime(2027, 3, 14, 6, 59, tzinfo=UTC), "Sun 14 Mar 2027, 01:59 EST", "12:29 IST"),
        (datetime(2027, 3, 14, 7, 0, tzinfo=UTC), "Sun 14 Mar 2027, 03:00 EDT", "12:30 IST"),
    ],
)
def test_across_a_dst_change_each_reader_reads_their_own_wall_clock(
    api, make_ticket, customer, agent, teams, at, new_york, kolkata
):
    ticket = make_ticket(customer, team=teams["desk"], at=at)
    zone(customer, "America/New_York")
    zone(agent, "Asia/Kolkata")
    theirs, ours = read(api(customer), ticket), read(api(agent), ticket)
    assert parse_datetime(theirs["created_at"]) == at == parse_datetime(ours["created_at"])
    assert theirs["created_display"] == new_york
    assert ours["created_display"].endswith(kolkata)


def test_the_timeline_entries_read_in_the_readers_zone(api, ticket, customer, agent):
    zone(customer, "America/New_York")
    entries = api(customer).get(f"/api/tickets/{ticket.pk}/timeline/").json()
    created = next(e for e in entries if e["kind"] == "created")
    assert parse_datetime(created["at"]) == OPENED
    assert created["at_display"] == "Sun 6 Dec 2026, 04:43 EST"
    assert created["time_zone"] == "America/New_York"


def test_without_a_zone_the_helpdesks(api, ticket, customer, settings):
    assert read(api(customer), ticket)["time_zone"] == settings.TIME_ZONE == "UTC"
    assert read(api(customer), ticket)["created_display"] == "Sun 6 Dec 2026, 09:43 UTC"


def test_a_signed_in_page_session_reads_its_profile_zone(ticket, customer):
    zone(customer, "America/New_York")
    client = Client()
    client.force_login(customer)
    data = read(client, ticket)
    assert data["time_zone"] == "America/New_York"
    assert data["created_display"] == "Sun 6 Dec 2026, 04:43 EST"
    assert parse_datetime(data["created_at"]) == OPENED


def test_a_list_reads_in_the_zone_and_language_of_the_request(api, ticket, customer):
    zone(customer, "Europe/Berlin")
    client = api(customer)
    listed = client.get("/api/tickets/", HTTP_ACCEPT_LANGUAGE="de").json()["results"]
    assert [t["created_display"] for t in listed] == ["So 6 Dez 2026, 10:43 CET"]


def test_the_zone_costs_a_token_request_no_query(api, ticket, customer, make_ticket, teams):
    """The token's one statement reads the profile's zone too; a page of many tickets pays
    what a page of one does."""
    client = api(customer)
    read(client, ticket)  # warm: the token's row, the configuration stamp
    with CaptureQueriesContext(connection) as without:
        read(client, ticket)
    zone(customer, "Asia/Kolkata")
    with CaptureQueriesContext(connection) as with_zone:
        assert read(client, ticket)["time_zone"] == "Asia/Kolkata"
    assert len(with_zone) == len(without)
    with CaptureQueriesContext(connection) as one:
        client.get("/api/tickets/")
    for _ in range(5):
        make_ticket(customer, team=teams["desk"])
    with CaptureQueriesContext(connection) as six:
        assert client.get("/api/tickets/").json()["count"] == 6
    assert len(six) == len(one)


def test_another_authenticator_reads_the_profile(ticket, customer):
    """DRF hands the authenticated user to the page request too: that is no sign of a page
    session whose zone the middleware activated."""
    from rest_framework.test import APIClient

    zone(customer, "Asia/Kolkata")
    client = APIClient()
    client.force_authenticate(customer)
    assert read(client, ticket)["created_display"] == "Sun 6 Dec 2026, 15:13 IST"


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_readable_text_is_what_djangos_date_format_says(language):
    """incidents.readable writes the names out itself (for speed): it must say what Django's
    "D j M Y, H:i" and the zone's abbreviation say, in each language, every day of a year."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from django.utils import translation

    from incidents.readable import READABLE, in_zone, readable

    zone = ZoneInfo("America/New_York")
    with translation.override(language):
        for hours in range(0, 366 * 24, 7):
            moment = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=hours)
            assert readable(moment, zone) == in_zone(moment.astimezone(zone), READABLE)


def test_a_zone_the_tz_database_does_not_know_reads_as_the_helpdesks(api, ticket, customer):
    zone(customer, "Europe/Berlin")
    Profile.objects.filter(user=customer).update(time_zone="Mars/Olympus")
    data = read(api(customer), ticket)
    assert data["time_zone"] == "UTC" and data["created_display"] == "Sun 6 Dec 2026, 09:43 UTC"
