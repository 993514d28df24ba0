"""gunicorn reads this file from the working directory (the project's, as docs/operations.md
starts it): it tells the settings how many processes serve, so they refuse a per-process cache
with more than one (helpdesk/settings.py, WEB_CONCURRENCY); that they are web processes (a short
PostgreSQL statement timeout); and which sockets load shedding watches (helpdesk/shedding.py)."""

import os


def on_starting(server):
    # Before the workers fork: each imports the settings with this in its environment.
    os.environ["WEB_CONCURRENCY"] = str(server.cfg.workers)
    # Marks the web processes: only they get the short PostgreSQL statement timeout
    # (WEB_STATEMENT_TIMEOUT_MS), never the qcluster firing levels.
    os.environ["TIERDESK_WEB_PROCESS"] = "1"


def post_worker_init(worker):
    # Load shedding reads how many connections wait on these sockets (helpdesk/shedding.py).
    from helpdesk import shedding

    shedding.watch([getattr(s, "sock", s) for s in worker.sockets])
