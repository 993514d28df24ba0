"""The queue: who sees which tickets, in what order, and at a cost that does not grow."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from desk import queue
from desk.deadlines import Badge
from desk.templatetags.desk import deadline_badge
from incidents.models import Ticket
from incidents.paging import CappedPaginator
from tests.conftest import held_after_leaving

pytestmark = pytest.mark.django_db


def set_due(ticket, **fields):
    Ticket.objects.filter(pk=ticket.pk).update(**fields)


def references(response):
    return [t.reference for t, _ in response.context["rows"]]


def test_customer_is_refused(client_for, customer):
    assert client_for(customer).get(reverse("desk:home")).status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(reverse("desk:home"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_agent_sees_their_teams_and_their_own_tickets(
    client_for, agent, customer, teams, make_ticket
):
    mine = make_ticket(customer, team=teams["desk"], subject="Desk queue")
    other = make_ticket(customer, team=teams["apps"], subject="Tier 2 only")
    assigned = make_ticket(customer, team=teams["eng"], subject="Assigned to me")
    held_after_leaving(assigned, agent)
    refs = references(client_for(agent).get(reverse("desk:home")))
    assert set(refs) == {mine.reference, assigned.reference}
    assert other.reference not in refs


def test_supervisor_sees_every_ticket(client_for, supervisor, customer, teams, make_ticket):
    tickets = [make_ticket(customer, team=team) for team in teams.values()]
    refs = references(client_for(supervisor).get(reverse("desk:home")))
    assert set(refs) == {t.reference for t in tickets}


def test_breached_first_then_nearest_deadline_then_paused(
    client_for, agent, customer, teams, make_ticket
):
    now = timezone.now()
    later, soon, breached, paused = (make_ticket(customer, team=teams["desk"]) for _ in range(4))
    set_due(later, resolution_due_at=now + timedelta(hours=5), response_due_at=None)
    set_due(
        soon,
        resolution_due_at=now + timedelta(hours=3),
        response_due_at=now + timedelta(minutes=20),
    )
    set_due(
        breached, resolution_due_at=now + timedelta(hours=9), response_due_at=None, breached=True
    )
    set_due(
        paused,
        resolution_due_at=now + timedelta(minutes=1),
        response_due_at=None,
        sla_paused_at=now,
    )
    refs = references(client_for(agent).get(reverse("desk:home")))
    assert refs == [breached.reference, soon.reference, later.reference, paused.reference]


def test_acknowledged_ticket_is_ordered_by_its_resolution_deadline(
    client_for, agent, customer, teams, make_ticket
):
    now = timezone.now()
    acked, other = (
        make_ticket(customer, team=teams["desk"]),
        make_ticket(customer, team=teams["desk"]),
    )
    set_due(
        acked,
        response_due_at=now + timedelta(minutes=5),
        resolution_due_at=now + timedelta(hours=8),
        acknowledged_at=now,
    )
    set_due(other, response_due_at=None, resolution_due_at=now + timedelta(hours=2))
    assert references(client_for(agent).get(reverse("desk:home"))) == [
        other.reference,
        acked.reference,
    ]


def test_badges_in_words_and_colour(client_for, agent, customer, teams, make_ticket):
    now = timezone.now()
    overdue, amber, orange, calm, paused = (
        make_ticket(customer, team=teams["desk"]) for _ in range(5)
    )
    set_due(
        overdue, response_due_at=None, resolution_due_at=now - timedelta(minutes=12, seconds=30)
    )
    set_due(amber, response_due_at=None, resolution_due_at=now + timedelta(minutes=42, seconds=30))
    set_due(orange, response_due_at=None, resolution_due_at=now + timedelta(minutes=10, seconds=30))
    set_due(
        calm, response_due_at=None, resolution_due_at=now + timedelta(days=1, hours=4, minutes=1)
    )
    set_due(paused, response_due_at=None, sla_paused_at=now, resolution_due_at=now)
    response = client_for(agent).get(reverse("desk:home"))
    badges = {t.reference: (b.label, b.tone) for t, b in response.context["rows"]}
    assert badges[overdue.reference] == ("Overdue 12m", "red")
    assert badges[amber.reference] == ("Due in 42m", "amber")
    assert badges[orange.reference] == ("Due in 10m", "orange")
    assert badges[calm.reference] == ("Due in 1d 4h", "neutral")
    assert badges[paused.reference] == ("Paused", "grey")
    html = response.content.decode()
    assert 'class="badge badge-red" data-deadline="' in html and "Overdue 12m" in html
    assert 'role="alert"' not in html and "aria-live" not in html


def test_at_risk_threshold_is_a_setting(client_for, agent, customer, teams, make_ticket, settings):
    settings.AT_RISK_MINUTES = 30
    ticket = make_ticket(customer, team=teams["desk"])
    set_due(ticket, response_due_at=None, resolution_due_at=timezone.now() + timedelta(minutes=42))
    response = client_for(agent).get(reverse("desk:home"), {"view": "at_risk"})
    assert references(response) == []
    settings.AT_RISK_MINUTES = 60
    response = client_for(agent).get(reverse("desk:home"), {"view": "at_risk"})
    assert references(response) == [ticket.reference]
    assert response.context["rows"][0][1].tone == "amber"


def test_views_mine_unassigned_breached_and_team(client_for, agent, customer, teams, make_ticket):
    mine, free, breached = (make_ticket(customer, team=teams["desk"]) for _ in range(3))
    mine.assign(None, agent)
    set_due(breached, breached=True)
    breached.assign(None, agent)
    escalated = make_ticket(customer, team=teams["apps"])
    held_after_leaving(escalated, agent)
    client = client_for(agent)
    get = lambda view: set(references(client.get(reverse("desk:home"), {"view": view})))  # noqa: E731
    assert get("mine") == {mine.reference, breached.reference, escalated.reference}
    assert get("unassigned") == {free.reference}
    assert get("breached") == {breached.reference}
    assert get("team:app-support") == {escalated.reference}


def test_filters_and_search(client_for, supervisor, customer, other_customer, teams, make_ticket):
    printer = make_ticket(
        customer, team=teams["desk"], subject="Printer jam", impact="high", urgency="high"
    )
    vpn = make_ticket(other_customer, team=teams["apps"], subject="VPN down")
    vpn.update(None, status="pending")
    client = client_for(supervisor)
    get = lambda **q: set(references(client.get(reverse("desk:home"), q)))  # noqa: E731
    assert get(q="printer") == {printer.reference}
    assert get(q=vpn.reference) == {vpn.reference}
    assert get(q="bob") == {vpn.reference}
    assert get(status="pending") == {vpn.reference}
    assert get(priority=printer.priority) == {printer.reference}
    assert get(team="service-desk") == {printer.reference}
    assert get(assignee="none") == {printer.reference, vpn.reference}


def test_resolved_tickets_leave_the_default_queue(client_for, agent, desk_ticket):
    desk_ticket.resolve(agent)
    client = client_for(agent)
    assert references(client.get(reverse("desk:home"))) == []
    assert references(client.get(reverse("desk:home"), {"status": "resolved"})) == [
        desk_ticket.reference
    ]


def test_pages_of_fifty(client_for, supervisor, customer, make_ticket):
    for _ in range(51):
        make_ticket(customer)
    client = client_for(supervisor)
    assert len(client.get(reverse("desk:home")).context["rows"]) == 50
    assert len(client.get(reverse("desk:home"), {"page": 2}).context["rows"]) == 1


def test_past_the_count_cap_the_count_says_more_and_later_pages_stay_reachable(
    client_for, supervisor, customer, make_ticket, monkeypatch
):
    monkeypatch.setattr(CappedPaginator, "count_cap", 60)
    tickets = [make_ticket(customer) for _ in range(75)]
    client = client_for(supervisor)
    first = client.get(reverse("desk:home"))
    assert "More than 60 tickets" in first.content.decode()
    second = client.get(reverse("desk:home"), {"page": 2})
    assert len(second.context["rows"]) == 25
    assert set(references(first) + references(second)) == {t.reference for t in tickets}


def test_query_count_does_not_grow_with_rows(client_for, agent, customer, teams, make_ticket):
    client = client_for(agent)

    def count(n):
        while Ticket.objects.count() < n:
            ticket = make_ticket(customer, team=teams["desk"])
            ticket.assign(None, agent)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("desk:home")).status_code == 200
        return len(queries)

    assert count(10) == count(100)


def test_a_capped_count_reads_with_a_thousands_separator(client_for, supervisor, monkeypatch):
    ids = list(range(1, CappedPaginator.count_cap + 2))  # one more than the cap: "more than"

    def capped(tickets, number, per_page):
        return CappedPaginator(ids, per_page, head=ids).get_page(number)

    monkeypatch.setattr(queue, "page_of_ids", capped)
    page = client_for(supervisor).get(reverse("desk:home")).content.decode()
    assert "More than 1,000 tickets" in page


def test_a_paused_badge_draws_its_icon_without_a_glyph():
    """Debian's Chromium has no glyph for U+23F8: the icon is drawn by the stylesheet."""
    html = deadline_badge(Badge("Paused", "grey"))
    assert 'class="pause-icon"' in html and "\u23f8" not in html and "Paused" in html
