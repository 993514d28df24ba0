"""Password guessing locks a username out from one address, on the admin and the site login."""

import pytest
from django.urls import reverse

LOCKED = "Too many failed logins for this account from your address. Try again in 15 minutes."


def form(login_url, user, password):
    """The admin's form names the field `username`; the site's (allauth) `login`."""
    field = "username" if login_url == reverse("admin:login") else "login"
    return {field: user.username, "password": password}


@pytest.mark.parametrize("login_url", [reverse("admin:login"), reverse("login")])
def test_login_lockout(client, supervisor, login_url):
    for _ in range(6):
        response = client.post(login_url, form(login_url, supervisor, "guess"))
        assert "_auth_user_id" not in client.session

    response = client.post(login_url, form(login_url, supervisor, "pw-Tierdesk-1"))
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_another_address_is_not_locked_out(client, supervisor):
    for _ in range(5):
        client.post(reverse("login"), form(reverse("login"), supervisor, "guess"))

    response = client.post(
        reverse("login"),
        form(reverse("login"), supervisor, "pw-Tierdesk-1"),
        REMOTE_ADDR="198.51.100.9",
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(supervisor.pk)


def test_a_forged_forwarded_for_does_not_escape_the_lockout(client, supervisor):
    for n in range(5):
        client.post(
            reverse("login"),
            form(reverse("login"), supervisor, "guess"),
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )

    response = client.post(
        reverse("login"),
        form(reverse("login"), supervisor, "pw-Tierdesk-1"),
        HTTP_X_FORWARDED_FOR="203.0.113.99",
    )
    assert response.status_code == 429


def test_a_lockout_is_logged_and_visible_to_supervisors(client, supervisor, make_user):
    victim = make_user("victim", role="agent")
    for _ in range(6):
        client.post(reverse("login"), form(reverse("login"), victim, "guess"))

    client.force_login(supervisor)
    page = client.get(reverse("admin:axes_accessattempt_changelist"))

    assert page.status_code == 200
    assert "victim" in page.content.decode()
