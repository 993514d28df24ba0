"""Where a configuration change came from, on its history row (django-simple-history).

Every historical row says who (the signed-in user, from simple-history's middleware) and when;
this adds by which path: the admin, the API, or an import that says so with `changed_by`.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from simple_history.models import HistoricalRecords

_source = ContextVar("history_source", default=None)


@contextmanager
def changed_by(source, user=None):
    """Inside this block, history rows name `source` (e.g. "import") and `user` if given."""
    token = _source.set((source, user))
    try:
        yield
    finally:
        _source.reset(token)


def name_the_source(sender, history_instance, **kwargs):
    """pre_create_historical_record receiver: the path (and user, outside a request) of a row."""
    given = _source.get()
    if given is not None:
        source, user = given
        if user is not None and history_instance.history_user_id is None:
            history_instance.history_user = user
    else:
        request = getattr(HistoricalRecords.context, "request", None)
        path = getattr(request, "path_info", "") or ""
        source = (
            "API" if path.startswith("/api/") else "admin" if path.startswith("/admin/") else ""
        )
    if source and not history_instance.history_change_reason:
        history_instance.history_change_reason = source
