"""helpdesk.serve's supervisor: a child that exits on its own stops the others (and says so);
SIGTERM stops them all. Plain processes stand in for gunicorn and the qclusters."""

import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.processes import wait_until

SLEEPER = [sys.executable, "-c", "import time; time.sleep(60)"]
SUPERVISE = """
import sys
from helpdesk.serve import Supervisor
commands = [("web", {sleeper!r}), ("qcluster 1", {sleeper!r}), ("qcluster 2", {last!r})]
sys.exit(Supervisor(commands, {{"TIERDESK_ADDRESS": "127.0.0.1:1"}}).run())
"""
ROOT = Path(__file__).resolve().parents[2]


def supervise(last):
    code = SUPERVISE.format(sleeper=SLEEPER, last=last)
    return subprocess.Popen(
        [sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )


def children_of(pid):
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def alive(pid):
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_child_that_exits_takes_the_others_down_and_is_named():
    started = time.monotonic()
    supervisor = supervise([sys.executable, "-c", "import sys, time; time.sleep(1); sys.exit(3)"])
    assert wait_until(lambda: len(children_of(supervisor.pid)) == 3, timeout=10)
    children = children_of(supervisor.pid)
    out, _ = supervisor.communicate(timeout=30)
    assert supervisor.returncode == 1
    assert "qcluster 2 (pid" in out and "exited with code 3: stopping" in out
    assert [pid for pid in children if alive(pid)] == []
    assert time.monotonic() - started < 20  # the sleepers were stopped, not waited for


def test_sigterm_stops_every_child():
    supervisor = supervise(SLEEPER)
    assert wait_until(lambda: len(children_of(supervisor.pid)) == 3, timeout=10)
    children = children_of(supervisor.pid)
    supervisor.send_signal(signal.SIGTERM)
    out, _ = supervisor.communicate(timeout=30)
    assert supervisor.returncode == 0 and "stopped" in out
    assert [pid for pid in children if alive(pid)] == []
