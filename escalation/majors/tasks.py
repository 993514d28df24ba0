"""django-q2 tasks: thin wrappers over the domain."""

from . import clock, drills, repaging


def tick():
    """Every minute: page again who has not acknowledged; tell commanders of lapsed updates;
    start the scheduled drills that are due."""
    return repaging.repage_due(), clock.tell_lapsed(), len(drills.run_scheduled())
