"""/api/major-incidents/: declare (the SPEC's shape), acknowledge as a paged person, link,
post updates and notes, resolve; bad input is a field error; customers are refused."""

import pytest

from escalation.majors.models import MajorIncident
from notifications.models import Notification

pytestmark = pytest.mark.django_db
URL = "/api/major-incidents/"


def declare(api, user, **body):
    body = {"title": "Checkout is down", "severity": "SEV1", "summary": "502s", **body}
    return api(user).post(URL, body, format="json")


def test_declaring_answers_the_board(api, cast, teams, desk_ticket):
    answer = declare(
        api,
        cast["commander"],
        teams=[teams["desk"].pk, teams["apps"].pk],
        contacts=[cast["vendor"].pk],
        tickets=[desk_ticket.pk],
    )

    assert answer.status_code == 201, answer.json()
    data = answer.json()
    assert data["reference"] == f"MI-{data['id']}"
    assert data["status"] == "active"
    assert data["tickets"] == [desk_ticket.pk]
    assert [(p["kind"], p["id"]) for p in data["parties"]] == [
        ("team", teams["desk"].pk),
        ("team", teams["apps"].pk),
        ("contact", cast["vendor"].pk),
    ]
    assert data["parties"][1]["paged"] == [cast["lee"].pk]
    assert all(p["notified_at"] and p["acknowledged_at"] is None for p in data["parties"])
    assert answer["Location"].endswith(f"{URL}{data['id']}/")


def test_bad_input_is_a_field_error(api, cast, teams):
    answer = declare(api, cast["commander"], severity="SEV9", teams=[])

    assert answer.status_code == 400
    assert set(answer.json()) >= {"severity"}
    assert not MajorIncident.objects.exists()
    nobody = declare(api, cast["commander"], teams=[], contacts=[])
    assert nobody.status_code == 400 and "teams" in nobody.json()


def test_a_paged_person_acknowledges_over_the_api(api, cast, teams):
    pk = declare(api, cast["commander"], teams=[teams["apps"].pk]).json()["id"]

    refused = api(cast["ben"]).post(f"{URL}{pk}/acknowledge/")
    answer = api(cast["lee"]).post(f"{URL}{pk}/acknowledge/")

    assert refused.status_code == 400
    party = answer.json()["parties"][0]
    assert party["acknowledged_by"] == cast["lee"].pk and party["state"] == "acknowledged"


def test_link_update_and_resolve(api, cast, teams, make_ticket, customer, other_customer):
    first, second = make_ticket(customer), make_ticket(other_customer)
    pk = declare(api, cast["commander"], teams=[teams["apps"].pk], tickets=[first.pk]).json()["id"]
    client = api(cast["commander"])

    assert client.post(f"{URL}{pk}/link/", {"ticket": second.pk}, format="json").status_code == 200
    assert (
        client.post(f"{URL}{pk}/updates/", {"body": "Fix deploying"}, format="json").status_code
        == 201
    )
    done = client.post(f"{URL}{pk}/resolve/", {"body": "All fixed."}, format="json")

    assert done.json()["status"] == "resolved"
    first.refresh_from_db(), second.refresh_from_db()
    assert first.status == second.status == "resolved"


def test_customers_are_refused(api, customer):
    assert api(customer).get(URL).status_code == 403
    assert Notification.objects.count() == 0
