"""django-q2 tasks: thin wrappers over the domain."""

from . import clock, repaging


def tick():
    """Every minute: page again who has not acknowledged; tell commanders of lapsed updates."""
    return repaging.repage_due(), clock.tell_lapsed()
