"""A poller that is killed (SIGKILL, by itself) after taking its Nth message and before
marking it: the worst moment for a crash. `python -m tests.notifications.inbound.crashing_poller
URL N`."""

import os
import signal
import sys

import django

django.setup()

from notifications.inbound import ingest as ingest_module  # noqa: E402
from notifications.inbound import poller  # noqa: E402

url, crash_after = sys.argv[1], int(sys.argv[2])
taken = 0


def ingest_then_die(raw):
    global taken
    outcome = ingest_module.ingest(raw)
    taken += 1
    if taken == crash_after:
        os.kill(os.getpid(), signal.SIGKILL)  # committed, not yet marked on the server
    return outcome


poller.ingest = ingest_then_die
poller.poll(url)
