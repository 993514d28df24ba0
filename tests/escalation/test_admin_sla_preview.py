"""The live preview beside the SLA policy form (issue 27): due times of the unsaved draft."""

import pytest
from django.urls import reverse

from escalation.models import SLAPolicy

from .sla_setup import office_calendar
from .test_admin import inline

pytestmark = pytest.mark.django_db
LIVE = reverse("admin:escalation_slapolicy_live_preview")


@pytest.fixture(autouse=True)
def berlin_server(settings):
    settings.TIME_ZONE = "Europe/Berlin"


def draft(calendar, **target):
    row = {"priority": "P1", "first_response_seconds": "1h", "resolution_seconds": "4h", **target}
    return {
        "name": "Office hours",
        "calendar": calendar.pk,
        **inline("targets", row),
        "preview-created_at": "2025-06-02T16:30",
    }


def test_the_draft_due_times_run_on_its_calendar_and_nothing_is_saved(client, supervisor):
    client.force_login(supervisor)
    response = client.post(LIVE, draft(office_calendar()))

    assert response.status_code == 200
    assert response.context["rows"] == [
        {
            "priority": "P1",
            "response": "Tue 2025-06-03 09:30:00 CEST",  # 30m on Monday, 30m on Tuesday
            "resolution": "Tue 2025-06-03 12:30:00 CEST",
        }
    ]
    assert not SLAPolicy.objects.exists()


def test_errors_in_the_draft_appear_in_the_panel(client, supervisor):
    client.force_login(supervisor)
    page = client.post(LIVE, draft(office_calendar(), first_response_seconds="x")).content.decode()

    assert "Target row 1, First response: “x” is not a duration." in page


def test_a_resolution_shorter_than_the_first_response_is_said_in_the_panel(client, supervisor):
    client.force_login(supervisor)
    backwards = draft(office_calendar(), first_response_seconds="6h", resolution_seconds="5h")
    response = client.post(LIVE, backwards)

    assert "Target row 1, Resolution: The resolution target (5h) is shorter than the " in (
        response.content.decode()
    )
    assert not response.context.get("rows")  # no due times for a draft that cannot be saved
