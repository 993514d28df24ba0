"""Presence across web processes (issue 28): two agents in two browser contexts, each served by
its own gunicorn process (so the two are surely apart) sharing the database cache, each see the
other viewing, then typing."""

import signal
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from incidents.models import Membership
from tests.processes import (
    GUNICORN,
    answers,
    child_env,
    free_port,
    kill_group,
    output,
    spawn,
    wait_until,
)

from .pages import look, sign_in

# The other agent's page asks every 5 s (hx-trigger "every 5s"): a beat that lands just after
# one ask shows at the next, 5 s and a request later, past expect's default 5 s. Three asks.
POLL = 15_000

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def served(tmp_path):
    """Two gunicorn servers on this test's database, static files collected as in production;
    their base URLs and access logs (one line per request, with the process id)."""
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        env=child_env(),
        check=True,
        timeout=120,
    )
    servers, bases, logs = [], [], []
    try:
        for n in range(2):
            port, log = free_port(), tmp_path / f"access-{n}.log"
            servers.append(
                spawn(
                    [GUNICORN, "helpdesk.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}"]
                    + ["--access-logfile", str(log), "--access-logformat", "%(p)s %(s)s %(U)s"]
                )
            )
            bases.append(f"http://127.0.0.1:{port}")
            logs.append(log)
        for server, base in zip(servers, bases, strict=True):
            assert wait_until(lambda base=base: answers(base), timeout=60), output(server)
        yield bases, logs
    finally:
        for server in servers:
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
    (base, other), logs = served
    dana = make_user("dana", role="agent", first_name="Dana", last_name="Scully")
    Membership.objects.create(user=dana, team=teams["desk"], role="agent")
    ticket = make_ticket(customer, team=teams["desk"])
    one, mine = workspace(browser, base, agent, ticket)
    two, danas = workspace(browser, other, dana, ticket)
    expect(mine.locator("#desk-presence")).to_contain_text("Dana Scully is viewing", timeout=POLL)
    expect(danas.locator("#desk-presence")).to_contain_text("tier1-agent is viewing", timeout=POLL)
    danas.locator("#reply-body").press_sequentially("Looking into it")
    expect(mine.locator("#desk-presence")).to_contain_text(
        "Dana Scully is typing a reply", timeout=POLL
    )
    mine.locator("#reply-body").press_sequentially("Me too")
    expect(danas.locator("#desk-presence")).to_contain_text(
        "tier1-agent is typing a reply", timeout=POLL
    )
    assert look(mine, "desk-presence") == []
    mine.goto(f"{base}/desk/")
    expect(mine.locator(".desk-presence-tag")).to_contain_text("Dana Scully")
    beats = [
        line.split()
        for log in logs
        for line in log.read_text().splitlines()
        if "/presence/" in line
    ]
    assert len({pid for pid, _, _ in beats}) == 2, "each process answered its agent's beats"
    assert {status for _, status, _ in beats} == {"200"}
    one.close()
    two.close()
