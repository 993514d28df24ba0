"""django-q2 tasks: thin wrappers over the domain."""

from . import clock, drills, repaging


def repage(party_ids, token=None):
    """Page again the parties a deadline broker claimed under `token` (escalation.deadlines)."""
    return repaging.repage(party_ids, deliver=True, token=token)


def tick():
    """Every minute: page again whoever no broker did (the safety net); tell commanders of
    lapsed updates; start the scheduled drills that are due."""
    return repaging.repage_due(), clock.tell_lapsed(), len(drills.run_scheduled())
