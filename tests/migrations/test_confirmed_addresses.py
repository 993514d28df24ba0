"""helpdesk 0001 gives the accounts staff made a confirmed address (issue 21, finding 3), so an
anonymous reset request can no longer send them to "confirm your email"; accounts allauth
enrolled keep their state, an unconfirmed sign-up above all."""

import pytest

BEFORE = [("helpdesk", None), ("account", "0009_emailaddress_unique_primary_email")]
AFTER = [("helpdesk", "0001_confirmed_addresses")]


def addresses(state):
    EmailAddress = state.apps.get_model("account", "EmailAddress")
    return {
        (a.user.username, a.email, a.primary, a.verified)
        for a in EmailAddress.objects.select_related("user")
    }


@pytest.mark.django_db(transaction=True)
def test_accounts_made_by_staff_get_a_confirmed_address(migrator):
    old = migrator.apply_initial_migration(BEFORE)
    User = old.apps.get_model("auth", "User")
    EmailAddress = old.apps.get_model("account", "EmailAddress")
    User.objects.create(username="dana", email="Dana@Example.com", password="md5$x$y")
    tom = User.objects.create(username="tom", email="tom@example.com", password="md5$x$y")
    # What allauth's reset request left behind: an unconfirmed, non-primary row.
    EmailAddress.objects.create(user=tom, email="tom@example.com", primary=False, verified=False)
    mallory = User.objects.create(username="m", email="victim@corp.example", password="md5$x$y")
    EmailAddress.objects.create(
        user=mallory, email="victim@corp.example", primary=True, verified=False
    )
    User.objects.create(username="gus@example.com", email="gus@example.com", password="!guest")
    User.objects.create(username="root", email="", password="md5$x$y")

    new = migrator.apply_tested_migration(AFTER)

    assert addresses(new) == {
        ("dana", "dana@example.com", True, True),
        ("tom", "tom@example.com", True, True),
        ("m", "victim@corp.example", True, False),  # a sign-up stays unconfirmed
    }
