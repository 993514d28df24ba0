"""No input makes the API answer 500 or HTML: errors are JSON `{"detail": ...}` everywhere."""

import pytest

from incidents.api import views

DEEP = "[" * 50000 + "]" * 50000


def test_deeply_nested_json_to_the_token_endpoint_is_a_400(api, db):
    response = api().post("/api/auth/token/", DEEP, content_type="application/json")
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


def test_deeply_nested_json_to_ticket_create_is_a_400(api, customer):
    response = api(customer).post("/api/tickets/", DEEP, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")


def test_malformed_json_is_a_400(api, customer):
    response = api(customer).post("/api/tickets/", "{", content_type="application/json")
    assert response.status_code == 400
    assert "detail" in response.json()


@pytest.mark.parametrize("path", ["/api/nope/", "/api/tickets/1/nope/x", "/api/does-not-exist"])
def test_unknown_api_paths_are_json_404(api, customer, path):
    response = api(customer).get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"].startswith("Not found.")


def test_a_missing_slash_says_where_to_go(api, customer):
    response = api(customer).post("/api/tickets", {}, format="json")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found. Did you mean /api/tickets/ ?"}


def test_oversized_json_body_is_a_413(api, customer, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = '{"subject": "x", "description": "' + "a" * 2000 + '"}'
    response = api(customer).post("/api/tickets/", body, content_type="application/json")
    assert response.status_code == 413
    assert response.json() == {"detail": "Request body too large."}


def test_oversized_form_body_is_a_413(api, customer, desk_ticket, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api(customer).post(
        f"/api/tickets/{desk_ticket.pk}/attachments/", {"reply": "1" * 2000}, format="multipart"
    )
    assert response.status_code == 413
    assert response.json() == {"detail": "Request body too large."}


def test_a_form_body_where_json_is_expected_is_a_json_415(api, db):
    response = api().post("/api/auth/token/", {"username": "a", "password": "x"})
    assert response.status_code == 415
    assert response.json()["detail"].startswith("Unsupported media type")


def test_a_crash_under_the_api_is_a_json_500(client, supervisor, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.TeamViewSet, "list", boom)
    client.raise_request_exception = False
    client.force_login(supervisor)
    response = client.get("/api/teams/")
    assert response.status_code == 500
    assert response.json() == {"detail": "Server error."}
