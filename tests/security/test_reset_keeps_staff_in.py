"""Issue 21, finding 3: an anonymous password-reset request locked staff out.

allauth's reset recorded an unconfirmed address for an account that had none, and from then
on the login sent its owner to confirm it. Accounts made by staff now carry a confirmed
address, and a reset request records nothing."""

import io

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from helpdesk.demo import DEMO_PASSWORD


def sign_in(login, password):
    client = Client()
    response = client.post(reverse("login"), {"login": login, "password": password})
    return client, response


@pytest.mark.django_db
def test_an_anonymous_reset_request_does_not_lock_an_agent_out(make_user):
    tom = make_user("tom", role="agent")
    Client().post(reverse("account_reset_password"), {"email": "tom@example.com"})

    assert not EmailAddress.objects.filter(user=tom, verified=False).exists()
    client, response = sign_in("tom", "pw-Tierdesk-1")
    assert response["Location"] != reverse("account_email_verification_sent")
    assert client.session["_auth_user_id"] == str(tom.pk)
    _, response = sign_in("tom@example.com", "pw-Tierdesk-1")
    assert response["Location"] != reverse("account_email_verification_sent")


@pytest.mark.django_db
def test_the_reset_link_still_works_and_is_bound_to_the_address(make_user):
    """The link a reset mails still sets the password (the token no longer records the
    address, but still changes when it does)."""
    from django.core import mail

    from tests.portal.test_accounts import link_in

    make_user("tom", role="agent")
    client = Client()
    client.post(reverse("account_reset_password"), {"email": "tom@example.com"})
    reset_url = client.get(link_in(mail.outbox[0]), follow=True).redirect_chain[-1][0]
    client.post(reset_url, {"password1": "Quiet-Harbour-42", "password2": "Quiet-Harbour-42"})
    assert User.objects.get(username="tom").check_password("Quiet-Harbour-42")


@pytest.mark.django_db
def test_seed_demo_people_have_confirmed_addresses_and_survive_a_reset_request():
    call_command("seed_demo", stdout=io.StringIO())
    for username in ("tom", "sam", "alice"):
        user = User.objects.get(username=username)
        assert EmailAddress.objects.get(user=user, primary=True).verified
        Client().post(reverse("account_reset_password"), {"email": user.email})
        client, response = sign_in(username, DEMO_PASSWORD)
        assert client.session.get("_auth_user_id") == str(user.pk), username


@pytest.mark.django_db
def test_a_user_made_in_the_admin_has_a_confirmed_address(supervisor, settings):
    supervisor.is_superuser = True
    supervisor.save()
    admin = Client()
    admin.force_login(supervisor)
    admin.post(
        reverse("admin:auth_user_add"),
        {"username": "nina", "password1": "Quiet-Harbour-42", "password2": "Quiet-Harbour-42",
         "usable_password": "true"},
    )  # fmt: skip
    nina = User.objects.get(username="nina")
    change = reverse("admin:auth_user_change", args=[nina.pk])
    form = {"username": "nina", "email": "nina@example.com", "is_active": "on",
            "date_joined_0": "2026-01-01", "date_joined_1": "09:00:00"}  # fmt: skip
    assert admin.post(change, form).status_code == 302
    assert EmailAddress.objects.get(user=nina, primary=True).verified

    Client().post(reverse("account_reset_password"), {"email": "nina@example.com"})
    client, _ = sign_in("nina@example.com", "Quiet-Harbour-42")
    assert client.session.get("_auth_user_id") == str(nina.pk)
