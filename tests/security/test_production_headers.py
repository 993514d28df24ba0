"""Issue 10 item 8: production headers — check --deploy is clean, and every page carries a
Content-Security-Policy that allows no inline script."""

import secrets
import subprocess
import sys

import pytest
from django.conf import settings


def test_production_headers_check_deploy_is_clean():
    env = {
        "DJANGO_SETTINGS_MODULE": "helpdesk.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "SITE_URL": "https://help.example.com",
        "ALLOWED_HOSTS": "help.example.com",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/portal/", "/admin/login/", "/api/docs/", "/desk/"])
def test_production_headers_csp_forbids_inline_scripts(client, path):
    response = client.get(path, follow=True)
    policy = response.headers["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in policy.split(";") if part.strip()
    )
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert directives["frame-ancestors"] == ["'none'"]


@pytest.mark.django_db
def test_production_headers_swagger_ui_loads_its_script_from_a_url(client):
    page = client.get("/api/docs/").content.decode()
    assert "<script>" not in page.replace(" ", "")
