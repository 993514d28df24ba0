"""What the schema promises, checked on the schema itself: one error shape, exact types, JSON
bodies, and words only where they apply."""

import pytest

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from rest_framework.test import APIClient

    with django_db_blocker.unblock():
        return APIClient().get("/api/schema/?format=json").json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield method, path, operation


def test_every_operation_has_a_summary_and_no_borrowed_description(schema):
    for method, path, operation in operations(schema):
        assert operation.get("summary"), (method, path)
        if "201" not in operation["responses"]:
            assert "201" not in operation.get("description", ""), (method, path)


def test_every_error_response_is_the_error_component(schema):
    error = schema["components"]["schemas"]["Error"]
    assert error["required"] == ["detail"]
    assert error["additionalProperties"] == {"type": "array", "items": {"type": "string"}}
    for method, path, operation in operations(schema):
        codes = operation["responses"]
        assert "429" in codes and (path == "/api/auth/token/" or "401" in codes), (method, path)
        if "{id}" in path:
            assert "404" in codes, (method, path)
        for code, response in codes.items():
            if code.startswith("4"):
                content = response["content"]["application/json"]
                assert content["schema"] == {"$ref": "#/components/schemas/Error"}, (path, code)


def test_the_statuses_follow_the_view(schema):
    paths = schema["paths"]
    assert "409" in paths["/api/teams/{id}/"]["delete"]["responses"]
    assert "409" not in paths["/api/teams/{id}/"]["get"]["responses"]
    assert "403" not in paths["/api/tickets/{id}/"]["get"]["responses"]
    assert "403" in paths["/api/teams/"]["get"]["responses"]  # customers may not list teams
    assert "404" in paths["/api/tickets/"]["get"]["responses"]  # a page past the end
    assert {"413", "415"} <= set(paths["/api/tickets/"]["post"]["responses"])


def test_request_bodies_are_json_but_for_the_file_upload(schema):
    for method, path, operation in operations(schema):
        kinds = list(operation.get("requestBody", {}).get("content", {}))
        if path == "/api/tickets/{id}/attachments/" and method == "post":
            assert kinds == ["multipart/form-data"]
        elif kinds:
            assert kinds == ["application/json"], (method, path)


def test_search_and_ordering_only_where_they_work(schema):
    def query(path):
        return {p["name"] for p in schema["paths"][path]["get"].get("parameters", [])}

    assert {"search", "ordering", "page"} <= query("/api/tickets/")
    for whole in ("replies", "timeline", "attachments"):
        assert query(f"/api/tickets/{{id}}/{whole}/") == {"id"}


def test_exact_types(schema):
    components = schema["components"]["schemas"]
    webhook = components["EscalationLevel"]["properties"]["webhook_url"]
    assert webhook["format"] == "uri" and webhook["nullable"] and "oneOf" not in webhook
    hours = components["OpeningHours"]["properties"]
    assert hours["start"]["pattern"] == hours["end"]["pattern"] == r"^([01]\d|2[0-3]):[0-5]\d$"
    assert "format" not in hours["start"]
    filters = {p["name"]: p for p in schema["paths"]["/api/tickets/"]["get"]["parameters"]}
    assert all(filters[name]["schema"]["type"] == "integer" for name in ("team", "assignee"))
    firing = components["PreviewFiring"]["properties"]
    assert firing["anchor"] == {"$ref": "#/components/schemas/AnchorEnum"}
    assert {"$ref": "#/components/schemas/PriorityEnum"} in firing["set_priority"]["oneOf"]


def test_response_components_require_every_field(schema):
    for name in ("Ticket", "Team", "Calendar", "EscalationPolicy", "EscalationLevel", "Reply"):
        component = schema["components"]["schemas"][name]
        assert set(component["required"]) == set(component["properties"]), name
