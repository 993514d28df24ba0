"""/api/calendars/: supervisors write a calendar with its hours and holidays in one request."""

import pytest

from escalation.models import BusinessCalendar

BERLIN = {
    "name": "Berlin office",
    "timezone": "Europe/Berlin",
    "hours": [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(5)]
    + [{"weekday": 5, "start": "22:00", "end": "00:00"}],
    "holidays": [{"date": "2025-12-25", "name": "Christmas"}],
}


def test_supervisor_creates_a_calendar_with_nested_rows(api, supervisor):
    response = api(supervisor).post("/api/calendars/", BERLIN, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["hours"][-1] == {"weekday": 5, "start": "22:00", "end": "00:00"}
    assert body["holidays"] == [{"date": "2025-12-25", "name": "Christmas"}]
    calendar = BusinessCalendar.objects.get()
    assert calendar.hours.count() == 6
    assert response.headers["Location"].endswith(f"/api/calendars/{calendar.pk}/")


def test_put_replaces_the_nested_sets(api, supervisor):
    client = api(supervisor)
    calendar_id = client.post("/api/calendars/", BERLIN, format="json").json()["id"]
    response = client.put(
        f"/api/calendars/{calendar_id}/",
        {
            "name": "Berlin office",
            "timezone": "Europe/Berlin",
            "hours": [{"weekday": 0, "start": "08:00", "end": "12:00"}],
            "holidays": [],
        },
        format="json",
    )
    assert response.status_code == 200
    calendar = BusinessCalendar.objects.get()
    assert [(h.weekday, h.start.hour) for h in calendar.hours.all()] == [(0, 8)]
    assert not calendar.holidays.exists()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"hours": [{"weekday": 0, "start": "17:00", "end": "09:00"}]}, "hours[0].end"),
        ({"hours": [{"weekday": 7, "start": "09:00", "end": "17:00"}]}, "hours[0].weekday"),
        ({"hours": [{"weekday": 0, "start": "09:00:30", "end": "17:00"}]}, "hours[0].start"),
        ({"holidays": [{"date": "2025-12-25"}, {"date": "2025-12-25"}]}, "holidays"),
    ],
)
def test_invalid_calendars_are_refused_whole(api, supervisor, change, field):
    response = api(supervisor).post("/api/calendars/", {**BERLIN, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not BusinessCalendar.objects.exists()


def test_agents_and_customers_get_403(api, agent, customer):
    for user in (agent, customer):
        assert api(user).get("/api/calendars/").status_code == 403
        assert api(user).post("/api/calendars/", BERLIN, format="json").status_code == 403


def test_a_calendar_in_use_cannot_be_deleted(api, supervisor):
    client = api(supervisor)
    calendar_id = client.post("/api/calendars/", BERLIN, format="json").json()["id"]
    client.post("/api/sla-policies/", {"name": "Std", "calendar": calendar_id}, format="json")
    assert client.delete(f"/api/calendars/{calendar_id}/").status_code == 409
