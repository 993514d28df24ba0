"""Helpers for the browser stories: sign a user in, look at a page at two widths, check it
with axe-core, and keep a screenshot of it for a reviewer (tests/browser/screenshots/)."""

from pathlib import Path

from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore

SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
WIDTHS = {"desktop": 1280, "phone": 375}
SERIOUS = {"serious", "critical"}
_axe = Axe()


def sign_in(context, live_server, user):
    """Give the browser context a session of `user`, as a finished login would."""
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "url": live_server.url,
            }
        ]
    )


def signed_in_page(browser, live_server, user):
    """A desktop-sized page in a fresh context where `user` is signed in."""
    context = browser.new_context(viewport={"width": WIDTHS["desktop"], "height": 900})
    sign_in(context, live_server, user)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def serious_violations(page):
    """axe-core's serious and critical findings on the page as it is now."""
    results = _axe.run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v.get("impact") in SERIOUS
    ]


def look(page, name):
    """At each width: screenshot the whole page, and return axe's serious findings."""
    SCREENSHOTS.mkdir(exist_ok=True)
    found = []
    for label, width in WIDTHS.items():
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{label}.png"), full_page=True)
        found += [f"{label}: {v}" for v in serious_violations(page)]
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})
    return found
