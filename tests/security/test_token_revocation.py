"""Issue 21, finding 9: API tokens survived a password change or reset, and could not be revoked.

A new password (changed, reset, or set in the admin) deletes the user's tokens; the API revokes
the caller's own; "Sign out everywhere" on the account page ends every session and the token."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token

from tests.portal.test_accounts import link_in

NEW = "Quiet-Harbour-42"


def stolen_token(api, user):
    client = api(user)
    assert client.get("/api/tickets/").status_code == 200
    return client


@pytest.mark.django_db
def test_a_password_change_revokes_the_token(api, customer):
    thief = stolen_token(api, customer)
    owner = Client()
    owner.force_login(customer)
    owner.post(
        reverse("account_change_password"),
        {"oldpassword": "pw-Tierdesk-1", "password1": NEW, "password2": NEW},
    )
    assert thief.get("/api/tickets/").status_code == 401


@pytest.mark.django_db
def test_a_password_reset_revokes_the_token(api, customer):
    thief = stolen_token(api, customer)
    owner = Client()
    owner.post(reverse("account_reset_password"), {"email": customer.email})
    reset_url = owner.get(link_in(mail.outbox[0]), follow=True).redirect_chain[-1][0]
    owner.post(reset_url, {"password1": NEW, "password2": NEW})
    assert thief.get("/api/tickets/").status_code == 401


@pytest.mark.django_db
def test_a_password_set_in_the_admin_revokes_the_token(api, customer, supervisor):
    thief = stolen_token(api, customer)
    supervisor.is_superuser = True
    supervisor.save()
    admin = Client()
    admin.force_login(supervisor)
    admin.post(
        reverse("admin:auth_user_password_change", args=[customer.pk]),
        {"password1": NEW, "password2": NEW, "usable_password": "true"},
    )
    assert thief.get("/api/tickets/").status_code == 401


@pytest.mark.django_db
def test_the_api_revokes_the_callers_token(api, customer, other_customer):
    client = stolen_token(api, customer)
    other = stolen_token(api, other_customer)
    assert client.post("/api/auth/token/revoke/").status_code == 204
    assert client.get("/api/tickets/").status_code == 401
    assert other.get("/api/tickets/").status_code == 200
    assert api().post("/api/auth/token/revoke/").status_code == 401


@pytest.mark.django_db
def test_sign_out_everywhere_ends_every_session_and_the_token(api, agent):
    thief = stolen_token(api, agent)
    laptop, phone = Client(), Client()
    for client in (laptop, phone):
        client.post(reverse("login"), {"login": agent.username, "password": "pw-Tierdesk-1"})
    page = laptop.get(reverse("account_change_password")).content.decode()
    assert reverse("account_sign_out_everywhere") in page and "Sign out everywhere" in page

    refused = laptop.post(reverse("account_sign_out_everywhere"), {"password": "wrong"})
    assert refused.status_code == 302
    assert phone.get(reverse("desk:home")).status_code == 200

    csrf = Client(enforce_csrf_checks=True)
    csrf.force_login(agent)
    assert csrf.post(reverse("account_sign_out_everywhere"), {"password": "x"}).status_code == 403

    laptop.post(reverse("account_sign_out_everywhere"), {"password": "pw-Tierdesk-1"})
    assert phone.get(reverse("desk:home")).status_code == 302  # to the login page
    assert laptop.get(reverse("desk:home")).status_code == 302
    assert thief.get("/api/tickets/").status_code == 401
    assert not Token.objects.filter(user=agent).exists()
    agent.refresh_from_db()
    assert agent.check_password("pw-Tierdesk-1")  # the same password, still
