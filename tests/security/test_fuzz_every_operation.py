"""Issue 10: every operation of the OpenAPI schema, as every role, fed malformed, deeply nested,
oversized and wrongly typed bodies and queries, answers below 500 and in JSON."""

import json
from datetime import time

import pytest
from drf_spectacular.generators import SchemaGenerator

from escalation.models import BusinessCalendar, EscalationPolicy, SLAPolicy

pytestmark = pytest.mark.django_db
METHODS_WITH_BODY = ("post", "put", "patch")
NESTED = "[" * 20_000 + "]" * 20_000
BODIES = {
    "malformed": '{"subject": "x",',
    "nested": NESTED,
    "list-not-object": json.dumps([1, 2, 3]),
    "wrong-types": json.dumps(
        {
            "subject": ["x"],
            "description": {"a": 1},
            "team": 3.5,
            "priority": 7,
            "hours": "09:00",
            "levels": [{"order": "first", "offset_seconds": "soon"}],
            "targets": [{"priority": None, "first_response_seconds": -1}],
            "members": [{"user": "me", "role": 5}],
            "reason": None,
            "body": False,
            "timezone": "localtime",
            "username": ["a"],
            "password": {"p": 1},
        }
    ),
    "huge-numbers": json.dumps({"first_response_seconds": 10**40, "team": 10**30, "tier": -1}),
}
QUERIES = {"page": "-1", "page_size": "abc", "team": "3.5", "breached": "maybe", "ordering": "x"}


def operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    for path, ops in schema["paths"].items():
        for method in ops:
            if method in ("get", "post", "put", "patch", "delete"):
                yield path, method


OPERATIONS = list(operations())


@pytest.fixture
def objects(desk_ticket, teams):
    calendar = BusinessCalendar.objects.create(name="Office")
    calendar.hours.create(weekday=0, start=time(9), end=time(17))
    return {
        "/api/tickets/": desk_ticket.pk,
        "/api/teams/": teams["desk"].pk,
        "/api/calendars/": calendar.pk,
        "/api/sla-policies/": SLAPolicy.objects.create(name="Std").pk,
        "/api/escalation-policies/": EscalationPolicy.objects.create(name="Page").pk,
    }


def concrete(path, objects):
    for prefix, pk in objects.items():
        if path.startswith(prefix):
            return path.replace("{id}", str(pk))
    return path.replace("{id}", "1")


def assert_json_below_500(response, what):
    assert response.status_code < 500, (what, response.status_code, response.content[:300])
    if response.status_code != 204:
        assert response["Content-Type"].startswith("application/json"), (
            what,
            response["Content-Type"],
            response.content[:200],
        )


@pytest.mark.parametrize("role", ["anonymous", "customer", "agent", "supervisor"])
def test_fuzz_every_operation_as_every_role(api, role, customer, agent, supervisor, objects):
    client = api({"anonymous": None, "customer": customer, "agent": agent}.get(role, supervisor))
    for path, method in OPERATIONS:
        url = concrete(path, objects)
        if method in METHODS_WITH_BODY:
            for name, body in BODIES.items():
                response = getattr(client, method)(url, body, content_type="application/json")
                assert_json_below_500(response, f"{method} {path} {name} as {role}")
            oversized = json.dumps({"subject": "x" * 3_000_000})
            response = getattr(client, method)(url, oversized, content_type="application/json")
            assert_json_below_500(response, f"{method} {path} oversized as {role}")
        else:
            response = getattr(client, method)(url, QUERIES)
            assert_json_below_500(response, f"{method} {path} bad query as {role}")
