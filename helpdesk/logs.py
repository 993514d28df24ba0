"""Logging filters for settings.LOGGING."""

import logging


class NoTracebackForClientErrors(logging.Filter):
    """A 4xx (a 403 from PermissionDenied, a 404 from Http404) is the client's doing: keep its
    one line, drop the traceback Django attaches to it. 5xx keep theirs."""

    def filter(self, record):
        if getattr(record, "status_code", 500) < 500:
            record.exc_info, record.exc_text = None, None
        return True
