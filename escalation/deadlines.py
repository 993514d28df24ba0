"""Deadlines besides the firings' that the deadline brokers hand out the moment they fall due
(escalation/broker.py), on the same urgent list, within the same check of the pusher's loop.

An app registers one in its AppConfig.ready(): `claim()` claims what is due now (by a
conditional update, so two pushers or the minute sweep never claim the same thing) and returns
the claimed ids; `task` is the dotted path of the django-q2 task that acts on a batch of them.
This is how escalation.majors re-pages a party on time while the rest of escalation never
imports it (docs/major-incidents.md)."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Deadline:
    name: str
    claim: Callable
    task: str
    batch: int = 100


_registered: dict[str, Deadline] = {}


def register(name, claim, task, batch=100):
    """Register (or replace, by name) a kind of deadline the brokers release."""
    _registered[name] = Deadline(name, claim, task, batch)


def registered():
    return tuple(_registered.values())
