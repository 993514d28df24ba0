"""Logging filters for settings.LOGGING."""

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
