"""The desk's major incident pages: declare from a ticket, the page with its board and
communication clock, acknowledge and post from it, link a queue selection."""

import pytest
from django.urls import reverse

from escalation.majors.models import MajorIncident

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, cast):
    client.force_login(cast["commander"])
    return client


def test_the_ticket_offers_to_declare_and_the_form_starts_from_it(signed_in, desk_ticket):
    page = signed_in.get(reverse("desk:ticket", args=[desk_ticket.pk]))
    assert f'?ticket={desk_ticket.pk}"'.encode() in page.content

    form = signed_in.get(reverse("desk:major-declare") + f"?ticket={desk_ticket.pk}")
    assert form.status_code == 200
    assert desk_ticket.reference.encode() in form.content
    assert f'value="{desk_ticket.subject}"'.encode() in form.content


def test_declaring_from_the_desk_pages_and_shows_the_board(signed_in, cast, teams, desk_ticket):
    answer = signed_in.post(
        reverse("desk:major-declare"),
        {
            "title": "Checkout down",
            "severity": "SEV1",
            "teams": [teams["apps"].pk],
            "contacts": [cast["vendor"].pk],
            "tickets": [desk_ticket.pk],
        },
        follow=True,
    )

    incident = MajorIncident.objects.get()
    assert list(incident.tickets.all()) == [desk_ticket]
    text = answer.content.decode()
    assert f"{incident.reference}: Checkout down" in text
    assert "Next customer update due in 29m" in text or "due in 30m" in text
    assert "Not acknowledged" in text and "lee" in text


def test_a_missing_title_keeps_what_was_given(signed_in, teams):
    answer = signed_in.post(
        reverse("desk:major-declare"),
        {"title": "", "severity": "SEV2", "summary": "keep me", "teams": [teams["apps"].pk]},
    )
    assert answer.status_code == 400
    assert b"keep me" in answer.content
    assert not MajorIncident.objects.exists()


def test_acknowledging_on_the_page_turns_the_party_green(client, cast, teams):
    incident = MajorIncident.declare(cast["commander"], "Down", "SEV1", teams=[teams["apps"]])
    client.force_login(cast["lee"])

    client.post(reverse("desk:major-act", args=[incident.pk, "acknowledge"]))
    board = client.get(reverse("desk:major-board", args=[incident.pk])).content.decode()

    assert 'class="party-acknowledged"' in board
    assert "Acknowledged" in board


def test_linking_a_queue_selection_to_the_active_incident(
    signed_in, cast, teams, make_ticket, customer, other_customer
):
    incident = MajorIncident.declare(cast["commander"], "Down", "SEV1", teams=[teams["apps"]])
    first, second = make_ticket(customer), make_ticket(other_customer)

    signed_in.post(reverse("desk:major-link-selected"), {"ticket": [first.pk, second.pk]})

    assert set(incident.tickets.all()) == {first, second}


def test_with_no_active_incident_the_selection_declares_one(signed_in, desk_ticket):
    answer = signed_in.post(reverse("desk:major-link-selected"), {"ticket": [desk_ticket.pk]})
    assert answer["Location"].endswith(f"/desk/major/new/?ticket={desk_ticket.pk}")


def test_the_list_and_page_queries_do_not_grow(
    signed_in, cast, teams, django_assert_max_num_queries, make_ticket, customer
):
    incident = MajorIncident.declare(
        cast["commander"], "Down", "SEV1", teams=[teams["apps"], teams["desk"]]
    )
    for _ in range(5):
        incident.link(cast["commander"], make_ticket(customer))
    with django_assert_max_num_queries(20):
        signed_in.get(reverse("desk:major", args=[incident.pk]))
    with django_assert_max_num_queries(12):
        signed_in.get(reverse("desk:majors"))


def test_the_review_is_kept_from_the_page_and_refuses_to_close_with_an_ownerless_action(
    signed_in, cast, teams
):
    incident = MajorIncident.declare(cast["commander"], "Down", "SEV1", teams=[teams["apps"]])
    act = lambda name: reverse("desk:major-act", args=[incident.pk, name])  # noqa: E731
    signed_in.post(
        act("review"),
        {
            "owner": cast["lee"].pk,
            "due_on": "2026-06-09",
            "action-text": ["Alert on 502s", "Runbook"],
            "action-owner": [cast["ana"].pk, ""],
        },
    )
    refused = signed_in.post(act("close-review"), follow=True).content.decode()

    assert "Every action needs an owner first: Runbook." in refused
    assert incident.review.actions.count() == 2
    assert incident.review.closed_at is None


def test_a_linked_ticket_names_its_incident(signed_in, cast, teams, desk_ticket):
    incident = MajorIncident.declare(
        cast["commander"], "Down", "SEV1", teams=[teams["apps"]], tickets=[desk_ticket]
    )
    page = signed_in.get(reverse("desk:ticket", args=[desk_ticket.pk])).content.decode()
    assert "Part of major incident" in page and f"{incident.reference}: Down" in page
