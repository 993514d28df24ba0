"""A webhook's signing secret is typed in the admin but never shown again."""

import pytest

from escalation.admin import EscalationLevelForm
from escalation.models import EscalationLevel, EscalationPolicy
from notifications.models import Webhook
from tests.admin_pages import url

SECRET = "s3cr3t-never-shown"


@pytest.fixture
def hook(db):
    return Webhook.objects.create(name="Ops", url="https://hooks.example/ops", secret=SECRET)


def form_data(**overrides):
    return {"name": "Ops", "url": "https://hooks.example/ops", "kinds": [], **overrides}


def test_webhook_secret_write_only(client, supervisor, hook):
    client.force_login(supervisor)
    page = client.get(url(Webhook, "change", hook.pk))
    assert page.status_code == 200
    html = page.content.decode()
    assert SECRET not in html
    assert "Leave empty to keep the current secret" in html

    response = client.post(url(Webhook, "change", hook.pk), form_data(secret=""))
    assert response.status_code == 302
    hook.refresh_from_db()
    assert hook.secret == SECRET

    client.post(url(Webhook, "change", hook.pk), form_data(secret="rotated"))
    hook.refresh_from_db()
    assert hook.secret == "rotated"


def test_a_new_webhook_needs_a_secret(client, supervisor):
    client.force_login(supervisor)
    response = client.post(url(Webhook, "add"), form_data(secret=""))
    assert response.status_code == 200
    assert not Webhook.objects.exists()


def test_escalation_level_webhook_secret_is_not_rendered(db):
    policy = EscalationPolicy.objects.create(name="p")
    level = EscalationLevel.objects.create(
        policy=policy, order=1, webhook_url="https://hooks.example/l", webhook_secret=SECRET
    )
    assert SECRET not in EscalationLevelForm(instance=level).as_p()
