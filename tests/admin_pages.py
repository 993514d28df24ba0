"""Shared checks for the admin tests of both apps."""

from django.urls import reverse


def url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def assert_agent_sent_to_login(client, agent, model):
    """Agents are not staff: the admin sends them to its login page (or refuses them)."""
    client.force_login(agent)
    for view in ("changelist", "add"):
        response = client.get(url(model, view))
        assert response.status_code in (302, 403)
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("admin:login"))
