"""Deadlines besides the firings' that the deadline brokers hand out the moment they fall due
(escalation/broker.py), on the same urgent list, within the same check of the pusher's loop.

An app registers one in its AppConfig.ready(): `claim(token=…)` claims what is due now (by a
conditional update, so two pushers or the minute sweep never claim the same thing) under that
token, as this process (dbtools.claims), and returns the claimed ids; `task` is the dotted path
of the django-q2 task that acts on a batch of them, called with the ids and the token, which it
adopts (dbtools.claims.adopt); `model` is the claimed rows' model, whose claims the broker lets
go when it cannot queue the task. `urgent`: on the urgent list (levels, pages) or the ordinary
queue (mail); `every`: looked at most this often, in seconds. This is how escalation.majors
re-pages a party on time while the rest of escalation never imports it
(docs/major-incidents.md), and how a failed mail is retried at its backoff time while
notifications never imports escalation."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Deadline:
    name: str
    claim: Callable
    task: str
    model: type
    batch: int = 100
    urgent: bool = True
    every: float = 0.0


_registered: dict[str, Deadline] = {}


def register(name, claim, task, model, batch=100, urgent=True, every=0.0):
    """Register (or replace, by name) a kind of deadline the brokers release."""
    _registered[name] = Deadline(name, claim, task, model, batch, urgent, every)


def registered():
    return tuple(_registered.values())
