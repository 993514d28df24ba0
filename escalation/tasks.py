"""django-q2 tasks: thin wrappers that load ids and hand off to the engine."""

from . import coverage, engine, replay
from .models import Replay


def fire_firings(firing_ids, token=None):
    """Fire the firings the deadline broker claimed under `token`, taking the claim over."""
    return engine.fire_many(engine.adopt(firing_ids, token))


def sweep():
    """Safety net, every minute: fire whatever is due that no broker handed out (a crash, a
    stock broker, a worker killed holding a claim: claim_due takes expired claims too)."""
    return engine.fire_many(engine.claim_due())


def mail_coverage_holes():
    """Daily: the supervisors' mail of the forecast's holes (escalation.coverage)."""
    return coverage.mail_holes()


def run_replay(replay_id):
    """Replay a draft policy against the past (queued by the admin's replay button)."""
    row = Replay.objects.get(pk=replay_id)
    return row.claim() and bool(replay.run(row))
