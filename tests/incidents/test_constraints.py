"""The database refuses bad ticket and team rows, whatever code path writes them."""

import pytest
from django.db import IntegrityError, transaction

from incidents.models import Membership, Team, Ticket


def assert_rejected(write):
    with pytest.raises(IntegrityError), transaction.atomic():
        write()


def test_two_tickets_cannot_share_a_reference(make_ticket, customer):
    first, second = make_ticket(customer), make_ticket(customer)
    first.refresh_from_db()

    assert_rejected(lambda: Ticket.objects.filter(pk=second.pk).update(reference=first.reference))


@pytest.mark.parametrize("field,value", [("priority", "P9"), ("status", "archived")])
def test_unknown_priority_or_status_is_refused(make_ticket, customer, field, value):
    ticket = make_ticket(customer)

    assert_rejected(lambda: Ticket.objects.filter(pk=ticket.pk).update(**{field: value}))


@pytest.mark.parametrize("rating", [0, 6])
def test_rating_outside_one_to_five_is_refused(make_ticket, customer, rating):
    ticket = make_ticket(customer)

    assert_rejected(lambda: Ticket.objects.filter(pk=ticket.pk).update(rating=rating))


def test_a_person_is_member_of_a_team_once(agent, teams):
    assert_rejected(lambda: Membership.objects.create(user=agent, team=teams["desk"], role="lead"))


def test_membership_role_must_be_agent_or_lead(make_user, teams):
    user = make_user()

    assert_rejected(lambda: Membership.objects.create(user=user, team=teams["desk"], role="boss"))


def test_team_tier_starts_at_one(db):
    assert_rejected(lambda: Team.objects.create(name="Nowhere", slug="nowhere", tier=0))


def test_team_cannot_escalate_to_itself(teams):
    desk = teams["desk"]

    assert_rejected(lambda: Team.objects.filter(pk=desk.pk).update(escalates_to=desk))


def test_team_names_and_slugs_are_unique(teams):
    assert_rejected(lambda: Team.objects.create(name="Service Desk", slug="other", tier=1))
    assert_rejected(lambda: Team.objects.create(name="Other", slug="service-desk", tier=1))
