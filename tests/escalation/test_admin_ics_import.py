"""Holidays into a calendar from an .ics file, in the admin (issue 27)."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from escalation.models import Holiday

from .sla_setup import office_calendar

pytestmark = pytest.mark.django_db

ICS = b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
BEGIN:VEVENT
UID:1
DTSTART;VALUE=DATE:20251225
DTEND;VALUE=DATE:20251227
SUMMARY:Christmas
END:VEVENT
BEGIN:VEVENT
UID:2
DTSTART;VALUE=DATE:20260101
SUMMARY:New Year
END:VEVENT
END:VCALENDAR
"""


def upload(client, calendar, content, name="holidays.ics"):
    url = reverse("admin:escalation_businesscalendar_import_holidays", args=[calendar.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, content, "text/calendar")})


def test_a_supervisor_imports_holidays_and_keeps_the_ones_there(client, supervisor):
    calendar = office_calendar(holidays=[date(2025, 12, 25)])
    client.force_login(supervisor)
    page = client.get(reverse("admin:escalation_businesscalendar_change", args=[calendar.pk]))
    assert "Import holidays (.ics)" in page.content.decode()

    response = upload(client, calendar, ICS)

    assert response.status_code == 302
    days = dict(Holiday.objects.filter(calendar=calendar).values_list("date", "name"))
    assert days == {
        date(2025, 12, 25): "",  # already there: kept as it was
        date(2025, 12, 26): "Christmas",  # DTEND is the day after the last
        date(2026, 1, 1): "New Year",
    }
    assert Holiday.history.filter(history_change_reason="admin").count() == 2


def test_a_file_that_is_not_ics_is_a_field_error_and_nothing_changes(client, supervisor):
    calendar = office_calendar()
    client.force_login(supervisor)

    response = upload(client, calendar, b"not a calendar")

    assert response.status_code == 200
    assert "This is not an iCalendar (.ics) file" in response.content.decode()
    assert not Holiday.objects.exists()
