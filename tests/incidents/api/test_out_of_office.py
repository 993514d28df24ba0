"""/api/out-of-office/: an agent sets their own absence with a deputy; supervisors anyone's."""

import pytest

from incidents.models import Absence

AWAY = {"start": "2026-06-01T00:00:00Z", "end": "2026-06-05T00:00:00Z", "note": "Holiday"}


def test_an_agent_sets_their_own_absence_with_a_deputy(api, agent, lead):
    response = api(agent).post("/api/out-of-office/", {**AWAY, "deputy": lead.pk}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["user"], body["deputy"], body["created_by"]) == (agent.pk, lead.pk, agent.pk)
    assert Absence.objects.get().deputy == lead


def test_an_agent_cannot_set_someone_elses_but_a_supervisor_can(api, agent, lead, supervisor):
    refused = api(agent).post("/api/out-of-office/", {**AWAY, "user": lead.pk}, format="json")
    assert refused.status_code == 403
    assert not Absence.objects.exists()
    made = api(supervisor).post("/api/out-of-office/", {**AWAY, "user": lead.pk}, format="json")
    assert made.status_code == 201
    assert Absence.objects.get().user == lead
    absence_id = made.json()["id"]
    assert api(agent).patch(f"/api/out-of-office/{absence_id}/", {"note": "x"}).status_code == 403
    assert api(agent).get(f"/api/out-of-office/{absence_id}/").status_code == 200


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"end": "2026-06-01T00:00:00Z"}, "end"),
        ({"start": "soon"}, "start"),
        ({"deputy": 999999}, "deputy"),
    ],
)
def test_bad_absences_get_a_field_error(api, agent, change, field):
    response = api(agent).post("/api/out-of-office/", {**AWAY, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not Absence.objects.exists()


def test_one_is_not_ones_own_deputy(api, agent):
    response = api(agent).post("/api/out-of-office/", {**AWAY, "deputy": agent.pk}, format="json")
    assert response.status_code == 400 and "deputy" in response.json()


def test_customers_get_403(api, customer):
    assert api(customer).get("/api/out-of-office/").status_code == 403
    assert api(customer).post("/api/out-of-office/", AWAY, format="json").status_code == 403
