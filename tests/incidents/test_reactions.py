"""The one path of a change is written down: the declared reactions, docs/architecture.md and
Ticket.open_ticket's docstring name the same reactions in the same order."""

import re
from pathlib import Path

import pytest

from incidents import reactions
from incidents.models import Ticket

ARCHITECTURE = Path(__file__).resolve().parents[2] / "docs" / "architecture.md"


def declared_names():
    return [f"{react.__module__}.{react.__name__}" for react in reactions.declared()]


def test_the_project_declares_the_clocks_before_the_outbox():
    assert declared_names() == [
        "escalation.reactions.keep_clocks",
        "notifications.reactions.write_outbox",
    ]


def test_the_architecture_page_draws_the_declared_order():
    text = ARCHITECTURE.read_text()
    drawn = text.split("<!-- reactions -->")[1].split("<!-- /reactions -->")[0]
    assert re.findall(r"\d+\. (\S+)", drawn) == declared_names()
    listed = re.findall(r"^\d+\. `([\w.]+)`", text, flags=re.MULTILINE)
    assert listed == declared_names()


def test_open_tickets_docstring_names_every_reaction_in_order():
    named = re.findall(r"^\s*\d+\. `([\w.]+)`", Ticket.open_ticket.__doc__, flags=re.MULTILINE)
    assert named == declared_names()


@pytest.mark.django_db
def test_record_hands_each_event_to_every_reaction_in_order(make_ticket, customer):
    ticket = make_ticket(customer)
    heard = []
    declared = reactions.declared()
    reactions.declare(
        lambda events: heard.append(("first", [e.kind for e in events])),
        lambda events: heard.append(("second", [e.kind for e in events])),
    )
    try:
        ticket.record("note_added", actor=customer)
    finally:
        reactions.declare(*declared)
    assert heard == [("first", ["note_added"]), ("second", ["note_added"])]


@pytest.mark.django_db
def test_a_reaction_that_fails_undoes_the_change(make_ticket, customer):
    ticket = make_ticket(customer)
    declared = reactions.declared()

    def refuse(events):
        raise RuntimeError("the outbox is full")

    reactions.declare(*declared, refuse)
    try:
        with pytest.raises(RuntimeError):
            ticket.change_status(customer, "open")
    finally:
        reactions.declare(*declared)
    ticket.refresh_from_db()
    assert ticket.status == "new"
    assert not ticket.events.filter(kind="status_changed").exists()
