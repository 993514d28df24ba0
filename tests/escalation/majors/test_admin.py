"""The majors admin: a supervisor opens every list and the pages that allow adding; incidents
and drills are added where they page and run (desk, API), not in the admin."""

import pytest
from django.urls import reverse

from escalation.majors.models import MajorIncident

pytestmark = pytest.mark.django_db
ADD = {"majorincident": 403, "drill": 403, "review": 200, "drillschedule": 200}


def test_a_supervisor_opens_every_majors_admin_page(client, make_user, cast, teams):
    MajorIncident.declare(cast["commander"], "Down", "SEV1", teams=[teams["apps"]])
    client.force_login(make_user("sam", role="supervisor"))
    for model, status in ADD.items():
        assert client.get(reverse(f"admin:majors_{model}_changelist")).status_code == 200
        assert client.get(reverse(f"admin:majors_{model}_add")).status_code == status
    incident = MajorIncident.objects.get()
    page = client.get(reverse("admin:majors_majorincident_change", args=[incident.pk]))
    assert page.status_code == 200 and b"Application Support" in page.content
