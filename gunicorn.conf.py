"""gunicorn reads this file from the working directory (the project's, as docs/operations.md
starts it): it tells the settings how many processes serve, so they refuse a per-process cache
with more than one (helpdesk/settings.py, WEB_CONCURRENCY)."""

import os


def on_starting(server):
    # Before the workers fork: each imports the settings with this in its environment.
    os.environ["WEB_CONCURRENCY"] = str(server.cfg.workers)
