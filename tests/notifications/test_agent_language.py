"""Agents' mails in each recipient's language (docs/translations.md): one event, a German agent
reads German and an English one English, subject and body; a follower's change is kept as
facts and worded when the mail is rendered, and a row that froze English words keeps them."""

import pytest

from incidents.models import Follower, Membership, Profile
from notifications.models import Notification
from tests.mails import rendered

pytestmark = pytest.mark.django_db


def german(user):
    Profile.objects.update_or_create(user=user, defaults={"language": "de"})
    return user


@pytest.fixture
def ticket(make_ticket, customer, teams, supervisor):
    ticket = make_ticket(customer, team=teams["desk"], subject="Cannot print invoices")
    return ticket.update(supervisor, status="open")  # a change from "new" tells no follower


def mail_to(ticket, kind, user):
    return rendered(Notification.objects.get(ticket=ticket, kind=kind, recipient=user))


def test_one_escalation_mails_a_german_agent_in_german_and_an_english_one_in_english(
    ticket, agent, tier2_agent, make_user, teams
):
    english = make_user("tier2-lead", role="agent")
    Membership.objects.create(user=english, team=teams["apps"], role="lead")
    german(tier2_agent)

    ticket.escalate(agent, "Needs a database fix")

    de, en = mail_to(ticket, "escalated", tier2_agent), mail_to(ticket, "escalated", english)
    assert de.subject == f"[{ticket.reference}] Eskaliert an Application Support (Stufe 1)"
    assert en.subject == f"[{ticket.reference}] Escalated to Application Support (level 1)"
    for part in (de.body, de.html_body):
        assert "an Application Support eskaliert (Stufe 1)" in part.replace("<strong>", "").replace(
            "</strong>", ""
        )
        assert "Grund:" in part and "Needs a database fix" in part
        assert "Priorität" in part and "Zuständig" in part
        assert "wegen Ihrer Rolle im Ticket" in part
        for word in ("was escalated", "Reason:", "Priority", "your role"):
            assert word not in part, word
    for part in (en.body, en.html_body):
        assert "Application Support" in part and "was escalated to" in part
        assert "Reason:" in part and "Priority" in part and "your role" in part
        assert "eskaliert" not in part and "Grund" not in part


def test_a_followers_change_is_worded_in_each_followers_language(ticket, agent, lead, supervisor):
    german(agent)
    Follower.objects.follow(ticket, agent)
    Follower.objects.follow(ticket, lead)

    ticket.update(supervisor, status="pending")

    rows = Notification.objects.filter(ticket=ticket, kind="followed")
    # The row keeps the facts, not words in the writer's language.
    assert {row.payload["event"].get("change") for row in rows} == {None}
    assert {row.payload["event"]["status"] for row in rows} == {"pending"}
    de, en = mail_to(ticket, "followed", agent), mail_to(ticket, "followed", lead)
    changed = "hat den Status auf „wartend (auf den kunden)“ geändert"
    assert changed in de.subject and changed in de.body
    assert "einem Ticket, dem Sie folgen" in de.body and "Priorität" in de.html_body
    said = "changed the status to pending (waiting on customer)"
    assert said in en.subject and said in en.body and "a ticket you follow" in en.body


def test_a_follower_row_written_with_english_words_reads_as_it_did(ticket, agent, supervisor):
    """Rows written before the facts were kept froze `change` in English: shown as it was."""
    german(agent)
    Follower.objects.follow(ticket, agent)
    ticket.update(supervisor, status="pending")
    row = Notification.objects.get(ticket=ticket, kind="followed")
    event = {k: v for k, v in row.payload["event"].items() if k not in ("changed", "status")}
    row.payload = {**row.payload, "event": {**event, "change": "changed the status to pending"}}
    assert "changed the status to pending" in rendered(row).body
