"""Password guessing locks an account out from one address, on the admin and the site login,
whether it is typed as a username or an email address; the lockout is a page of the site,
the last try is announced, and supervisors unlock in the admin."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

LOCKED = "Too many failed logins for this account from your address. Try again at"


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


def test_the_email_address_is_the_same_account_for_the_lockout(client, make_user):
    """Issue 21, finding 8: five wrong passwords for `priya`, then `Priya@Example.com` with the
    right one got in and cleared the lock."""
    make_user("priya", role="agent")
    for _ in range(5):
        client.post(reverse("login"), {"login": "priya", "password": "guess"})

    response = client.post(
        reverse("login"), {"login": "Priya@Example.com", "password": "pw-Tierdesk-1"}
    )
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("login"), {"login": "priya", "password": "pw-Tierdesk-1"})
    assert response.status_code == 429  # and the lock was not cleared


def test_wrong_passwords_by_email_and_by_name_add_up(client, make_user):
    make_user("priya", role="agent")
    for login in ["PRIYA@example.com", "priya", "priya@EXAMPLE.com", "Priya", "priya"]:
        client.post(reverse("login"), {"login": login, "password": "guess"})
    response = client.post(reverse("login"), {"login": "priya", "password": "pw-Tierdesk-1"})
    assert response.status_code == 429


def test_the_lockout_is_a_page_of_the_site_with_the_time_and_a_way_out(client, supervisor):
    """Issue 21, finding 12: it was a 429 in unstyled plain text."""
    for _ in range(5):
        client.post(reverse("login"), form(reverse("login"), supervisor, "guess"))
    response = client.post(reverse("login"), form(reverse("login"), supervisor, "guess"))

    assert response.status_code == 429
    page = response.content.decode()
    assert "<title>Too many attempts" in page and 'class="topbar"' in page  # the site's base
    last = AccessAttempt.objects.get(username=supervisor.username).attempt_time
    until = timezone.localtime(last + timedelta(minutes=15))
    assert f"Try again at {until:%H:%M}" in page
    assert f'href="{reverse("account_reset_password")}"' in page


def test_the_login_form_warns_before_the_last_try(client, make_user):
    make_user("priya", role="agent")
    for _ in range(3):
        response = client.post(reverse("login"), {"login": "priya", "password": "guess"})
        assert "One more wrong password" not in response.content.decode()
    response = client.post(reverse("login"), {"login": "priya@example.com", "password": "guess"})
    assert response.status_code == 200
    assert "One more wrong password" in response.content.decode()


def test_a_supervisor_unlocks_an_account_in_the_admin(supervisor, make_user):
    """Supervisors (not only superusers) find the lockout and unlock it with an action."""
    victim = make_user("victim", role="agent")
    attacker = Client()
    for _ in range(6):
        attacker.post(reverse("login"), form(reverse("login"), victim, "guess"))
    attempt = AccessAttempt.objects.get(username="victim")

    admin = Client()
    admin.force_login(supervisor)
    changelist = reverse("admin:axes_accessattempt_changelist")
    page = admin.get(changelist, {"q": "victim"}).content.decode()
    assert 'value="unlock"' in page
    response = admin.post(
        changelist, {"action": "unlock", "_selected_action": [attempt.pk]}, follow=True
    )
    assert "Unlocked 1 login." in response.content.decode()

    back = Client()
    response = back.post(reverse("login"), form(reverse("login"), victim, "pw-Tierdesk-1"))
    assert response.status_code == 302
    assert back.session["_auth_user_id"] == str(victim.pk)
