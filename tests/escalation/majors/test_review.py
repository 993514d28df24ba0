"""The post-incident review: an owner, a due date, action items; it cannot be closed while an
action has no owner (API and model)."""

import pytest

from escalation.majors.models import MajorIncident

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(cast, teams):
    incident = MajorIncident.declare(cast["commander"], "Down", "SEV2", teams=[teams["apps"]])
    return f"/api/major-incidents/{incident.pk}/review/"


def test_a_review_with_an_ownerless_action_cannot_close(api, cast, url):
    client = api(cast["commander"])
    plan = {
        "owner": cast["lee"].pk,
        "due_on": "2026-06-09",
        "actions": [{"text": "Alert on 502 rate", "owner": cast["ana"].pk}, {"text": "Runbook"}],
    }
    saved = client.put(url, plan, format="json")
    assert saved.status_code == 200
    assert [a["owner"] for a in saved.json()["actions"]] == [cast["ana"].pk, None]

    refused = client.post(f"{url}close/")
    assert refused.status_code == 400
    assert "Runbook" in refused.json()["actions"]

    plan["actions"][1]["owner"] = cast["ben"].pk
    client.put(url, plan, format="json")
    closed = client.post(f"{url}close/")
    assert closed.status_code == 200 and closed.json()["closed_at"]


def test_a_review_without_an_owner_cannot_close(api, cast, url):
    refused = api(cast["commander"]).post(f"{url}close/")
    assert refused.status_code == 400 and "owner" in refused.json()


def test_a_bad_due_date_is_a_field_error(api, cast, url):
    answer = api(cast["commander"]).put(url, {"owner": None, "due_on": "soon"}, format="json")
    assert answer.status_code == 400 and "due_on" in answer.json()
