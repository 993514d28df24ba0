"""The OpenAPI schema and its docs, and schemathesis fuzzing every operation as every role: no
5xx, and every answer's status, content type and body as the schema documents them."""

import re

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import override_settings
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from helpdesk.wsgi import application

LOCMEM = "django.core.cache.backends.locmem.LocMemCache"

PATHS = {
    "/api/auth/token/",
    "/api/me/notification-preferences/",
    "/api/escalation-policies/preview/",
    "/api/tickets/",
    "/api/tickets/{id}/",
    "/api/tickets/{id}/replies/",
    "/api/tickets/{id}/acknowledge/",
    "/api/tickets/{id}/escalate/",
    "/api/tickets/{id}/resolve/",
    "/api/tickets/{id}/reopen/",
    "/api/tickets/{id}/timeline/",
    "/api/teams/",
    "/api/teams/{id}/",
    "/api/calendars/",
    "/api/calendars/{id}/",
    "/api/sla-policies/",
    "/api/sla-policies/{id}/",
    "/api/escalation-policies/",
    "/api/escalation-policies/{id}/",
    "/api/escalation-policies/{id}/preview/",
    "/api/tickets/{id}/attachments/",
    "/api/tickets/{id}/attachments/{attachment_id}/download/",
}
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def test_schema_documents_every_endpoint(api, db):
    schema = api().get("/api/schema/?format=json").json()
    assert set(schema["paths"]) >= PATHS
    escalate = schema["paths"]["/api/tickets/{id}/escalate/"]["post"]
    assert {"200", "400", "403", "404"} <= set(escalate["responses"])
    assert "tokenAuth" in schema["components"]["securitySchemes"]


def test_docs_are_served_without_a_cdn(api, db):
    response = api().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "drf_spectacular_sidecar/swagger-ui-dist" in html
    # Every address the page loads from, not the whole page: a CSP nonce is random text.
    addresses = re.findall(r"""(?:src|href|url)\s*[=:]\s*["']([^"']+)""", html)
    assert any("swagger-ui-dist" in address for address in addresses)
    assert not [a for a in addresses if "cdn" in a.lower() or "unpkg" in a or "//" in a], addresses


@pytest.fixture
def keep_test_connection():
    """Like Django's test client: a request through the raw WSGI app must not close the
    connection that holds the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_world(
    keep_test_connection, make_ticket, customer, agent, lead, supervisor, teams, settings, tmp_path
):
    """Some real rows, so fuzzed ids 1, 2, 3 … reach real objects, not only 404s; a token for
    each role."""
    settings.MEDIA_ROOT = tmp_path
    for _ in range(3):
        ticket = make_ticket(customer, team=teams["desk"])
        note = ticket.add_reply(agent, "note", internal=True)
        ticket.attach(agent, SimpleUploadedFile("log.txt", b"disk full"), "text/plain", note)
    people = {"customer": customer, "agent": agent, "supervisor": supervisor}
    return {role: Token.objects.create(user=user).key for role, user in people.items()}


# Loaded at collection: the schema endpoint needs no database, but its throttle's counters
# live in the database cache, so they stay in memory for this one request. (schemathesis' lazy
# `from_fixture` loader does not work with pytest 9.)
with override_settings(CACHES={"default": {"BACKEND": LOCMEM}}):
    schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.mark.parametrize("role", ["customer", "agent", "supervisor"])
@schema.parametrize()
@settings(max_examples=5, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented(case, role, fuzz_world, fresh_throttles):
    case.call_and_validate(headers={"Authorization": f"Token {fuzz_world[role]}"}, checks=CHECKS)
