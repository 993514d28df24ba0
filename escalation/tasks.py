"""django-q2 tasks: thin wrappers that load ids and hand off to the engine."""

from . import coverage, engine


def fire_firings(firing_ids):
    """Fire the claimed firings (queued by the deadline broker or the sweep)."""
    return engine.fire_many(firing_ids)


def sweep():
    """Safety net, every minute: fire whatever is due that no broker handed out (a crash, a
    stock broker, a worker killed holding a claim: claim_due takes expired claims too)."""
    return engine.fire_many(engine.claim_due())


def mail_coverage_holes():
    """Daily: the supervisors' mail of the forecast's holes (escalation.coverage)."""
    return coverage.mail_holes()
