"""Browser tests: pytest-playwright drives Debian's Chromium against pytest-django's live server.

`playwright install` needs the internet, so the tests launch the system Chromium instead and
are skipped (never failed) on a machine without it.
"""

import threading
import time
import warnings
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config, items):
    """Mark every test under tests/browser `browser`; skip them all when Chromium is missing."""
    skip = pytest.mark.skip(reason=f"browser tests need {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if HERE not in Path(item.path).resolve().parents:
            continue
        item.add_marker(pytest.mark.browser)
        if not CHROMIUM.exists():
            item.add_marker(skip)


class InFlight:
    """How many requests the live server's threads are serving now, and when one last began or
    ended, from Django's request_started and request_finished signals (the test client's, in
    the main thread, are not counted)."""

    def __init__(self):
        self.count = 0
        self.moved = time.monotonic()
        self.changed = threading.Condition()

    def started(self, **kwargs):
        self._add(1)

    def finished(self, **kwargs):
        self._add(-1)

    def _add(self, step):
        if threading.current_thread() is not threading.main_thread():
            with self.changed:
                self.count += step
                self.moved = time.monotonic()
                self.changed.notify_all()

    def wait_quiet(self, quiet, timeout):
        """Until nothing is being served and nothing began or ended for `quiet` seconds (a page
        closing sends its presence beacon as it goes); False after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                now = time.monotonic()
                if self.count <= 0 and now - self.moved >= quiet:
                    return True
                if now >= deadline:
                    return False
                until = self.moved + quiet if self.count <= 0 else deadline
                self.changed.wait(min(until, deadline) - now)


@pytest.fixture(scope="session")
def in_flight():
    counter = InFlight()
    request_started.connect(counter.started, dispatch_uid="browser-in-flight-started")
    request_finished.connect(counter.finished, dispatch_uid="browser-in-flight-finished")
    yield counter
    request_started.disconnect(dispatch_uid="browser-in-flight-started")
    request_finished.disconnect(dispatch_uid="browser-in-flight-finished")


@pytest.fixture(autouse=True)
def nothing_left_talking(request, in_flight):
    """After a browser test, before its database is flushed: close every browser context it
    left open (a desk page polls and sends presence every few seconds; left open, it would keep
    calling the live server during the tests after it, or between them where the database is
    refused), then let the live server finish what it is serving."""
    yield
    if "browser" not in request.fixturenames:
        return
    for context in request.getfixturevalue("browser").contexts:
        context.close()
    if not in_flight.wait_quiet(quiet=0.25, timeout=10):
        warnings.warn(
            f"{in_flight.count} live-server requests still running after 10 s", stacklevel=1
        )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """pytest-playwright's options, aimed at the system Chromium; headless unless --headed."""
    return {
        "headless": True,
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture
def page(page):
    """A page that fails a step after 10 s instead of Playwright's 30 s, and fails the test if
    the browser refused anything under the Content-Security-Policy (UI.md: everything runs
    under it)."""
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.set_default_timeout(10_000)
    yield page
    assert not refused, refused


@pytest.fixture
def static_statuses(page):
    """The status of every static file the page loads, keyed by its path under /static/."""
    statuses = {}

    def record(response):
        if "/static/" in response.url:
            statuses[response.url.split("/static/", 1)[1]] = response.status

    page.on("response", record)
    return statuses
