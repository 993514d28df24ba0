"""Every error body has the schema's `Error` shape: a `detail` string, field paths to messages."""

from django.test import Client

from helpdesk.errors import error_body


def test_nested_and_list_errors_become_field_paths():
    drf = {"levels": {0: {"notify": {1: ["Bad."]}}}, "non_field_errors": ["Both."]}
    assert error_body(drf) == {
        "detail": "Invalid input.",
        "levels[0].notify[1]": ["Bad."],
        "non_field_errors": ["Both."],
    }
    assert error_body({1: {"kind": ["No."]}}) == {"detail": "Invalid input.", "[1].kind": ["No."]}


def test_a_bare_message_becomes_the_detail():
    assert error_body(["Not possible."]) == {"detail": "Not possible."}
    assert error_body({"detail": "Not found."}) == {"detail": "Not found."}


def test_field_errors_over_http_carry_a_detail(api, customer):
    response = api(customer).post("/api/tickets/", {"subject": ""}, format="json")
    body = response.json()
    assert response.status_code == 400 and body["detail"] == "Invalid input."
    assert all(isinstance(m, str) for key in body if key != "detail" for m in body[key])
    assert set(body) == {"detail", "subject", "description"}


def test_session_writes_without_csrf_answer_json(customer, desk_ticket):
    client = Client(enforce_csrf_checks=True)
    client.force_login(customer)
    unknown = client.put("/api/calendars/0.5/", "{}", content_type="application/json")
    assert unknown.status_code == 404 and unknown.json()["detail"] == "Not found."
    refused = client.post(f"/api/tickets/{desk_ticket.pk}/replies/", {}, "application/json")
    assert refused.status_code == 403 and "CSRF" in refused.json()["detail"]
