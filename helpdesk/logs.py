"""settings.LOGGING: one structured line per record on stderr, and its filters."""

import logging


class NoTracebackForClientErrors(logging.Filter):
    """A 4xx (a 403 from PermissionDenied, a 404 from Http404) is the client's doing: keep its
    one line, drop the traceback Django attaches to it. So is a 503 or 507 (a database or Redis
    outage, helpdesk.unavailable, which says why once a minute): one traceback per request would
    bury the log. Other 5xx keep theirs."""

    def filter(self, record):
        status = getattr(record, "status_code", 500)
        if status < 500 or status in (503, 507):
            record.exc_info, record.exc_text = None, None
        return True


def config(level, q_level):
    """settings.LOGGING: everything at `level` on stderr, django-q's at `q_level`."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {
                "format": "time=%(asctime)s level=%(levelname)s logger=%(name)s "
                "process=%(process)d msg=%(message)s"
            }
        },
        "filters": {
            "no_client_tracebacks": {"()": "helpdesk.logs.NoTracebackForClientErrors"},
            "not_shed": {"()": "helpdesk.shedding.NotShed"},
        },
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "structured",
                "filters": ["no_client_tracebacks"],
            }
        },
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            # Django's own configuration gives `django` a console handler of its own under DEBUG
            # (and mail_admins): with the root's, every warning was printed twice. One handler.
            "django": {"handlers": ["stderr"], "level": "INFO", "propagate": False},
            "django.db.backends": {"level": "WARNING"},
            # A shed request is not an error: helpdesk.shedding logs them, at most every 10 s.
            "django.request": {"filters": ["not_shed"]},
            "django-q": {"level": q_level},
            # axes announces its configuration at every start; lockouts are WARNING and still show.
            "axes": {"level": "WARNING"},
        },
    }
