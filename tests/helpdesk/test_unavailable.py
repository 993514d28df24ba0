"""helpdesk.unavailable through Django's 500 handler: an outage is a 503 (a full disk a 507),
JSON under /api/, a plain page elsewhere, logged once a minute; any other error stays a 500."""

import logging

import pytest
from django.db import InterfaceError, OperationalError
from django.test import RequestFactory

from helpdesk import errors, unavailable


@pytest.fixture(autouse=True)
def fresh_log(monkeypatch):
    monkeypatch.setattr(unavailable, "_last_logged", {})


def answer(path, exception):
    request = RequestFactory().get(path)
    try:
        raise exception
    except Exception:  # Django calls its 500 handler inside the except block, as here
        return errors.server_error(request)


def test_a_database_outage_is_a_503_in_the_api_error_shape():
    response = answer("/api/tickets/", OperationalError("connection refused"))
    assert response.status_code == 503 and response["Retry-After"] == "10"
    assert response["Content-Type"] == "application/json"
    assert b"its database cannot be reached. Nothing was saved" in response.content


def test_a_dropped_connection_on_a_page_is_a_plain_503_page():
    response = answer("/portal/", InterfaceError("connection already closed"))
    assert response.status_code == 503 and response["Retry-After"] == "10"
    page = response.content.decode()
    assert "Tierdesk is briefly unavailable" in page and "Traceback" not in page


@pytest.mark.parametrize(
    "message", ["no such column: incidents_ticket.drill", 'near "FROM": syntax error']
)
def test_a_schema_or_sql_bug_sqlite_reports_as_operational_stays_a_500(message):
    """SQLite raises OperationalError for a missing migration or bad SQL: a bug, not an outage,
    so it keeps Django's 500 (and its traceback in the log), never a quiet 503."""
    assert unavailable.outage(OperationalError(message)) is None
    assert answer("/api/tickets/", OperationalError(message)).status_code == 500


def test_a_full_disk_is_a_507_that_says_nothing_was_saved():
    response = answer("/api/tickets/", OperationalError("database or disk is full"))
    assert response.status_code == 507 and not response.has_header("Retry-After")
    assert b"run out of storage space. Nothing was saved" in response.content


def test_any_other_error_stays_a_500():
    assert answer("/api/tickets/", ValueError("a bug")).status_code == 500


def test_an_outage_is_logged_once_a_minute_not_per_request(caplog):
    with caplog.at_level(logging.WARNING, logger="helpdesk.unavailable"):
        for _ in range(5):
            answer("/api/tickets/", OperationalError("connection refused"))
    lines = [r.getMessage() for r in caplog.records if r.name == "helpdesk.unavailable"]
    assert lines == [
        "database unavailable, answering 503 until it is back: OperationalError: connection refused"
    ]
