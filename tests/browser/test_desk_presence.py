"""Presence across web processes (issue 28): two agents in two browser contexts, on gunicorn
with two workers sharing the database cache, each see the other viewing, then typing."""

import signal
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from incidents.models import Membership
from tests.escalation.processes import child_env, kill_group, output, spawn, wait_until
from tests.security.test_limits_across_processes import GUNICORN, _answers, free_port

from .pages import look, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def served(tmp_path):
    """gunicorn -w 2 on this test's database, its static files collected as in production;
    the base URL and the access log (one line per request, with the worker's pid)."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        env=child_env(),
        check=True,
        timeout=120,
    )
    port, log = free_port(), tmp_path / "access.log"
    server = spawn(
        [GUNICORN, "helpdesk.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}"]
        + ["--access-logfile", str(log), "--access-logformat", "%(p)s %(s)s %(U)s"]
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_until(lambda: _answers(base), timeout=60), output(server)
        yield base, log
    finally:
        kill_group(server, signal.SIGTERM)
        server.wait(timeout=30)


def workspace(browser, base, user, ticket):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    sign_in(context, type("Server", (), {"url": base}), user)
    page = context.new_page()
    page.set_default_timeout(20_000)
    page.goto(f"{base}/desk/tickets/{ticket.pk}/")
    return context, page


def test_each_agent_sees_the_other_viewing_then_typing(
    served, browser, make_ticket, make_user, customer, teams, agent
):
    base, log = served
    dana = make_user("dana", role="agent", first_name="Dana", last_name="Scully")
    Membership.objects.create(user=dana, team=teams["desk"], role="agent")
    ticket = make_ticket(customer, team=teams["desk"])
    one, mine = workspace(browser, base, agent, ticket)
    two, danas = workspace(browser, base, dana, ticket)
    expect(mine.locator("#desk-presence")).to_contain_text("Dana Scully is viewing")
    expect(danas.locator("#desk-presence")).to_contain_text("tier1-agent is viewing")
    danas.locator("#reply-body").press_sequentially("Looking into it")
    expect(mine.locator("#desk-presence")).to_contain_text("Dana Scully is typing a reply")
    mine.locator("#reply-body").press_sequentially("Me too")
    expect(danas.locator("#desk-presence")).to_contain_text("tier1-agent is typing a reply")
    assert look(mine, "desk-presence") == []
    mine.goto(f"{base}/desk/")
    expect(mine.locator(".desk-presence-tag")).to_contain_text("Dana Scully")
    beats = [line.split() for line in log.read_text().splitlines() if "/presence/" in line]
    assert len({pid for pid, _, _ in beats}) == 2, "both workers answered beats"
    assert {status for _, status, _ in beats} == {"200"}
    one.close()
    two.close()
