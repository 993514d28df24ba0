"""A refused request is one log line, without a traceback, with or without DEBUG."""

import io
import logging

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged():
    """What the configured stderr handler writes, in a buffer."""
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "stderr")
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield buffer
    handler.setStream(previous)


@pytest.mark.parametrize("debug", [False, True])
def test_a_403_is_logged_once_without_a_traceback(customer, settings, logged, debug):
    settings.DEBUG = debug
    client = Client()
    client.force_login(customer)
    assert client.get(reverse("desk:home")).status_code == 403
    err = logged.getvalue()
    assert err.count("Forbidden (Permission denied): /desk/") == 1, err
    assert "Traceback" not in err and "PermissionDenied" not in err


def test_a_404_is_one_line(client, logged):
    assert client.get("/nowhere/").status_code == 404
    err = logged.getvalue()
    assert err.count("Not Found: /nowhere/") == 1 and "Traceback" not in err


def test_a_500_keeps_its_traceback():
    record = logging.LogRecord("django.request", logging.ERROR, "", 0, "boom", (), None)
    record.status_code, record.exc_info = 500, (ValueError, ValueError("x"), None)
    handler = next(h for h in logging.getLogger().handlers if h.get_name() == "stderr")
    assert handler.filter(record) and record.exc_info is not None


def test_a_request_log_line_reaches_one_handler():
    """Django's default `django` logger writes to a console of its own under DEBUG; with the
    root's handler too, each line came twice."""
    logger, reached = logging.getLogger("django.request"), []
    while logger is not None:
        reached += [h for h in logger.handlers if not type(h).__module__.startswith("_pytest")]
        logger = logger.parent if logger.propagate else None
    assert [h.get_name() for h in reached] == ["stderr"]
