"""Agents' pages in German: the workspace's history is told in the agent's language, the .po
leaves nothing untranslated or fuzzy, and the workspace's and queue's templates hold no
sentence outside {% translate %}."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType
from django.urls import reverse

from escalation.majors import links
from escalation.majors.models import MajorIncident
from incidents.models import Profile
from notifications.models import Contact
from tests.desk.stories import ticket_with_every_entry

pytestmark = pytest.mark.django_db

PO = Path(settings.BASE_DIR) / "locale" / "de" / "LC_MESSAGES" / "django.po"
# The agent's workspace and queue, with every part they include.
AGENT_TEMPLATES = [
    "desk/ticket.html",
    "desk/_story.html",
    "desk/_presence.html",
    "desk/queue.html",
    "desk/_actions.html",
    "desk/_sla_chart.html",
    "desk/_keys_dialog.html",
    "desk/_keys.html",
    "desk/_clock_state.html",
    "desk/forecast.html",
    "desk/availability.html",
    # The agents' mails.
    "notifications/emails/base.txt",
    "notifications/emails/base.html",
    "notifications/emails/_ticket_facts.txt",
    "notifications/emails/_ticket_facts.html",
    "notifications/emails/assigned.txt",
    "notifications/emails/assigned.html",
    "notifications/emails/escalated.txt",
    "notifications/emails/escalated.html",
    "notifications/emails/sla_warning.txt",
    "notifications/emails/sla_warning.html",
    "notifications/emails/breach.txt",
    "notifications/emails/breach.html",
    "notifications/emails/followed.txt",
    "notifications/emails/followed.html",
    "notifications/emails/contact_update.txt",
    "notifications/emails/contact_update.html",
    # Major incidents and drills, and the acknowledgement page behind a contact's link.
    "desk/majors/list.html",
    "desk/majors/declare.html",
    "desk/majors/choose.html",
    "desk/majors/incident.html",
    "desk/majors/_board.html",
    "desk/majors/_action_row.html",
    "desk/drills/list.html",
    "desk/drills/scorecard.html",
    "desk/drills/_levels.html",
    "desk/drills/acknowledge.html",
    "portal/major_ack.html",
    "majors/emails/page.txt",
    "majors/emails/page.html",
    "majors/emails/update_due.txt",
    # The supervisors' dashboard.
    "desk/dashboard.html",
    "desk/_bar_chart.html",
]


@pytest.fixture
def story_ticket(make_ticket, customer, teams, lead, tier2_agent, supervisor):
    return ticket_with_every_entry(make_ticket, customer, teams, lead, tier2_agent, supervisor)


def german(client_for, user):
    Profile.objects.update_or_create(user=user, defaults={"language": "de"})
    return client_for(user)


def story_text(client, ticket):
    html = client.get(reverse("desk:ticket", args=[ticket.pk])).content.decode()
    story = html.split('<ol class="desk-story">')[1].split("</ol>\n")[0]
    text = re.sub(r"<[^>]+>", " ", story).replace("&#x27;", "'").replace("&quot;", '"')
    return re.sub(r"\s+", " ", text)


def test_a_german_agents_history_reads_in_german(client_for, supervisor, story_ticket):
    text = story_text(german(client_for, supervisor), story_ticket)
    for sentence in (
        "hat die Priorität von P2 auf P1 geändert",
        "Tierdesk hat die Priorität von P3 auf P2 geändert",
        "hat das Ticket von Service Desk (Stufe 1) nach Application Support (Stufe 2) verschoben",
        "hat das Ticket an Engineering (Stufe 3) eskaliert",
        "Eskalationsstufe 1 → 2",
        "hat das Ticket tier2-agent zugewiesen",
        "Vorher: niemand",
        "hat den Status von „Offen“ auf „Wartend (auf den Kunden)“ geändert",
        "hat die Eskalation der Stufe 1 ausgelöst (bei Fälligkeit der Erstreaktion)",
        "hat eine Verletzung des SLA für die Erstreaktion festgestellt",
        "hat die Hilfe mit „Sehr gut“ bewertet (5/5)",
        "Grund:",
        "hat alice per E-Mail benachrichtigt: Ticket eingegangen",
        "Zustellung: wartet auf den Versand",
    ):
        assert sentence in text, sentence
    for english in ("changed the", "moved the ticket", "escalated the", "Reason:", "tier 1"):
        assert english not in text, english


def test_a_german_agents_queue_reads_in_german(client_for, agent, desk_ticket):
    html = german(client_for, agent).get(reverse("desk:home")).content.decode()
    for words in ("Alle offenen", "Gefolgt", "1 Ticket<", "Warteschlange · Tierdesk"):
        assert words in html, words
    for english in ("All open", "Following<", "1 ticket<", "Queue ·"):
        assert english not in html, english


def test_an_english_agent_still_reads_english(client_for, supervisor, story_ticket):
    text = story_text(client_for(supervisor), story_ticket)
    assert "changed the status from Open to Pending (waiting on customer)" in text
    assert "hat" not in text.split()
    assert "notified alice by email: ticket received" in text
    assert "Delivery: waiting to be sent" in text and "Delivery: queued" not in text


def po_entries():
    """(flags, msgid, msgstrs) of each entry of the German .po, the header and obsolete left out."""
    entries = []
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        flags = " ".join(line for line in lines if line.startswith("#,"))
        msgid, strings, current = [], [], None
        for line in lines:
            if line.startswith("msgid "):
                current = msgid
            elif line.startswith("msgstr"):
                current = []
                strings.append(current)
            elif not line.startswith('"'):
                current = None if line.startswith(("msgctxt", "msgid_plural", "#")) else current
                continue
            if current is not None:
                current.append(line[line.index('"') :].strip('"'))
        if msgid and "".join(msgid):
            entries.append((flags, "".join(msgid), ["".join(s) for s in strings]))
    return entries


def test_every_german_string_is_translated_and_none_fuzzy():
    entries = po_entries()
    assert len(entries) > 300
    fuzzy = [msgid for flags, msgid, _ in entries if "fuzzy" in flags]
    empty = [msgid for _, msgid, strings in entries if not all(strings)]
    assert fuzzy == [] and empty == []


def literal_sentences(name):
    """The words a template shows outside {% translate %}, {% blocktranslate %} and variables:
    in its text and in its title, aria-label and placeholder attributes."""
    source = (Path(settings.BASE_DIR) / "templates" / name).read_text(encoding="utf-8")
    text, inside = [], 0
    for token in Lexer(source).tokenize():
        word = token.contents.split()[0] if token.token_type == TokenType.BLOCK else ""
        if word in ("blocktranslate", "comment"):
            inside += 1
        elif word in ("endblocktranslate", "endcomment"):
            inside -= 1
        text.append(token.contents if token.token_type == TokenType.TEXT and not inside else "\0")
    page = re.sub(r"<(script|style)\b.*?</\1>", "", "".join(text), flags=re.S)
    found = [
        value
        for value in re.findall(r'(?:title|aria-label|placeholder|alt)="([^"]*)"', page)
        if re.search(r"[A-Za-z]{2}", value)
    ]
    page = re.sub(r"<[^>]*>", " ", page)
    found += [part.strip() for part in page.split("\0") if re.search(r"[A-Za-z]{2}", part)]
    # The brand alone ("Tierdesk", "· Tierdesk", a mail's "Tierdesk &middot;") and an example
    # ticket reference (a placeholder) are no sentences.
    return [
        part for part in found if re.sub(r"&middot;|[·\s]", "", part) not in ("Tierdesk", "HD-42")
    ]


@pytest.mark.parametrize("name", AGENT_TEMPLATES)
def test_no_agent_template_shows_an_untranslated_sentence(name):
    assert literal_sentences(name) == []


def test_a_german_agents_workspace_actions_chart_and_flash_read_in_german(
    client_for, agent, desk_ticket
):
    client = german(client_for, agent)
    url = reverse("desk:ticket", args=[desk_ticket.pk])
    html = client.get(url).content.decode()
    for words in ("Übernehmen (mir zuweisen)", "Eskalieren an", "Tastenkürzel", "SLA-Zeitstrahl"):
        assert words in html, words
    for english in ("Take (assign to me)", "Escalate to", "Keyboard shortcuts", "SLA timeline"):
        assert english not in html, english
    version = re.search(r'name="updated_at" value="([^"]+)"', html).group(1)
    taken = client.post(
        reverse("desk:act", args=[desk_ticket.pk, "take"]), {"updated_at": version}, follow=True
    )
    assert f"Sie haben {desk_ticket.reference} übernommen." in taken.content.decode()
    version = re.search(r'name="updated_at" value="([^"]+)"', taken.content.decode()).group(1)
    refused = client.post(
        reverse("desk:act", args=[desk_ticket.pk, "reopen"]), {"updated_at": version}
    ).content.decode()
    assert "Nur ein gelöstes Ticket kann wieder geöffnet werden." in refused


def test_a_german_agents_queue_rows_read_in_german(client_for, agent, desk_ticket):
    html = german(client_for, agent).get(reverse("desk:home")).content.decode()
    assert "Nicht zugewiesen" in html or "Fällig in" in html
    assert (
        "Unassigned<" not in html
        and "Due in" not in html
        and f"Select {desk_ticket.reference}" not in html
    )


def assert_reads(html, words, english):
    """Every one of `words` is on the page, and none of the `english` ones."""
    assert [w for w in words if w not in html] == []
    assert [w for w in english if w in html] == []


def test_a_german_supervisors_dashboard_reads_in_german(client_for, supervisor, desk_ticket):
    html = german(client_for, supervisor).get(reverse("desk:dashboard")).content.decode()
    words = [
        "<h1>Übersicht</h1>",
        "Einhaltung je Team und Priorität",
        "MTTA und MTTR im Zeitverlauf",
        "Rückstand nach Alter, aktuell",
        "<td>Neu</td>",  # the backlog row's status, in words (the CSV keeps "new")
        "Offene Tickets nach Alter",
        "Unter einem Tag",
        "Übergaben zwischen den Stufen",
        "Keine manuellen Eskalationen in diesem Zeitraum.",
        "Alle Teams",
    ]
    english = ["Compliance per team", "Backlog by age", "Under a day", "Every team", ">new<"]
    assert_reads(html, words, english)


def test_a_german_agents_major_incident_page_reads_in_german(client_for, lead, teams):
    incident = MajorIncident.declare(lead, "Kasse ausgefallen", "SEV1", teams=[teams["desk"]])
    client = german(client_for, lead)
    html = client.get(reverse("desk:major", args=[incident.pk])).content.decode()
    words = [
        "Größere Störungen",
        "Wer antwortet",
        "Nächstes Kunden-Update fällig in",
        "Nicht bestätigt",
        "Die Kunden informieren",
        "Verknüpfte Tickets (0)",
        "<strong>Ausgerufen</strong> von",
        "Nachbesprechung",
        "Störung und ihre Tickets lösen",
    ]
    english = ["Who is answering", "Next customer update", "Timeline", "Declared", " by "]
    assert_reads(html, words, english)

    answer = client.post(reverse("desk:major-act", args=[incident.pk, "acknowledge"]), follow=True)
    assert "Bestätigt: Ihre Alarme wurden beendet." in answer.content.decode()


def test_a_contacts_link_follows_their_browsers_language(client, lead, teams):
    vendor = Contact.objects.create(name="Vendor on call", email="noc@acme.example")
    incident = MajorIncident.declare(lead, "Kasse ausgefallen", "SEV2", contacts=[vendor])
    url = reverse("portal:major-ack", args=[links.token(incident.parties.get().pk)])

    page = client.get(url, HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").content.decode()
    assert "Für Vendor on call bestätigen" in page
    assert "alle 15 Minuten erneut alarmiert" in page
    answer = client.post(url, HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").content.decode()
    assert "Die Alarme für Vendor on call wurden beendet." in answer
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "The pages for Vendor on call have stopped." in english


def test_the_workspace_offers_the_priorities_in_german(client_for, agent, desk_ticket):
    from incidents.models import Profile

    Profile.objects.update_or_create(user=agent, defaults={"language": "de"})
    client = client_for(agent)
    client.cookies["django_language"] = "de"
    page = client.get(reverse("desk:ticket", args=[desk_ticket.pk]), HTTP_ACCEPT_LANGUAGE="de")
    html = page.content.decode()
    assert "P3 — mittel" in html and "P3 — medium" not in html
