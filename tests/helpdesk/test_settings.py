"""Settings come from the environment: the same code runs embedded or scaled out (SPEC)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
SHOW = """
import json
from helpdesk import settings as s
db = s.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": str(db["NAME"]), "host": db.get("HOST"),
    "conn_max_age": db.get("CONN_MAX_AGE"), "health_checks": db.get("CONN_HEALTH_CHECKS"),
    "q_cluster": sorted(s.Q_CLUSTER), "broker": s.Q_CLUSTER["broker_class"],
    "cache": s.CACHES["default"]["BACKEND"], "email_backend": s.EMAIL_BACKEND,
    "email_host": getattr(s, "EMAIL_HOST", None), "email_port": getattr(s, "EMAIL_PORT", None),
    "email_user": getattr(s, "EMAIL_HOST_USER", None),
    "email_tls": getattr(s, "EMAIL_USE_TLS", False),
    "email_ssl": getattr(s, "EMAIL_USE_SSL", False),
    "from": s.DEFAULT_FROM_EMAIL, "debug": s.DEBUG, "secret": s.SECRET_KEY,
}))
"""
# The caller's own service URLs must not leak into the child; REDIS_URL="" means "not set".
BASELINE = {
    "DEBUG": "false",
    "SECRET_KEY": "s3cret",
    "REDIS_URL": "",
    "DEFAULT_FROM_EMAIL": "Help <help@example.com>",
}
CONTROLLED = (
    "DATABASE_URL",
    "EMAIL_URL",
    "REDIS_URL",
    "SECRET_KEY",
    "DEBUG",
    "CACHE_URL",
    "WEB_CONCURRENCY",
)


def dotenv_sets(name):
    """Whether a developer's .env (read by the settings) defines `name`."""
    path = BASE_DIR / ".env"
    return path.exists() and any(
        line.strip().startswith(f"{name}=") for line in path.read_text().splitlines()
    )


def run_settings(**env):
    variables = {k: v for k, v in os.environ.items() if k not in CONTROLLED}
    variables.update(BASELINE, **env)
    variables = {k: v for k, v in variables.items() if v is not None}  # None = unset
    return subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=BASE_DIR,
        env=variables,
        capture_output=True,
        text=True,
        timeout=60,
    )


def settings_for(**env):
    result = run_settings(**env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_embedded_default_is_sqlite_database_broker_and_console_email():
    if dotenv_sets("DATABASE_URL") or dotenv_sets("EMAIL_URL"):
        pytest.skip("a local .env sets DATABASE_URL or EMAIL_URL")
    shown = settings_for()

    assert shown["engine"] == "dbtools.sqlite3"
    assert shown["name"] == str(BASE_DIR / "db.sqlite3")
    assert (shown["conn_max_age"], shown["health_checks"]) == (600, True)
    assert "orm" in shown["q_cluster"] and "redis" not in shown["q_cluster"]
    assert shown["email_backend"] == "django.core.mail.backends.console.EmailBackend"
    assert shown["cache"] == "helpdesk.cache.DatabaseCache"  # shared by every web process


def test_postgres_and_redis_come_from_the_environment():
    shown = settings_for(
        DATABASE_URL="postgres://desk:pw@db.internal:5432/tierdesk",
        REDIS_URL="redis://cache.internal:6379/1",
    )

    assert shown["engine"] == "django.db.backends.postgresql"
    assert (shown["name"], shown["host"]) == ("tierdesk", "db.internal")
    assert "redis" in shown["q_cluster"] and "orm" not in shown["q_cluster"]
    assert shown["broker"].endswith("RedisDeadlineBroker")
    assert shown["cache"].endswith("RedisCache")


@pytest.mark.parametrize(
    "url,tls,ssl",
    [
        ("smtp+tls://mailer%40example.com:pw@smtp.example.com:587", True, False),
        ("smtp+ssl://mailer%40example.com:pw@smtp.example.com:465", False, True),
        ("smtp://mailer%40example.com:pw@smtp.example.com:25", False, False),
    ],
)
def test_email_url_configures_smtp(url, tls, ssl):
    shown = settings_for(EMAIL_URL=url)

    assert shown["email_backend"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (shown["email_host"], shown["email_user"]) == ("smtp.example.com", "mailer@example.com")
    assert (bool(shown["email_tls"]), bool(shown["email_ssl"])) == (tls, ssl)
    assert shown["from"] == "Help <help@example.com>"


def test_production_refuses_to_start_without_a_secret_key():
    if "SECRET_KEY" in (BASE_DIR / ".env").read_text() if (BASE_DIR / ".env").exists() else False:
        pytest.skip("a local .env provides SECRET_KEY")
    variables = {k: v for k, v in os.environ.items() if k != "SECRET_KEY"}
    variables["DEBUG"] = "false"

    result = subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=BASE_DIR,
        env=variables,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "Set the SECRET_KEY environment variable" in result.stderr


def test_debug_runs_with_a_development_key():
    shown = settings_for(DEBUG="true", SECRET_KEY=None)

    assert shown["debug"] is True
    assert shown["secret"]


def test_more_than_one_web_process_refuses_a_per_process_cache():
    result = run_settings(CACHE_URL="locmemcache://", WEB_CONCURRENCY="3")
    assert result.returncode != 0
    assert "ImproperlyConfigured: 3 web processes cannot share a per-process cache" in (
        result.stderr
    )
    assert settings_for(CACHE_URL="locmemcache://", WEB_CONCURRENCY="1")["cache"].endswith(
        "LocMemCache"
    )
    assert settings_for(WEB_CONCURRENCY="3")["cache"] == "helpdesk.cache.DatabaseCache"


def test_a_number_out_of_range_stops_the_process_and_names_the_setting():
    result = run_settings(ESCALATION_CLAIM_SECONDS="0", SHED_BACKLOG="-1", SHED_STANDING_MS="-5")

    assert result.returncode != 0
    assert (
        "ImproperlyConfigured: Out of range in the environment: ESCALATION_CLAIM_SECONDS=0 "
        "(at least 1), SHED_BACKLOG=-1 (at least 0), SHED_STANDING_MS=-5 (at least 0)"
    ) in result.stderr
    # The least values themselves are accepted: 0 turns shedding off.
    assert run_settings(ESCALATION_CLAIM_SECONDS="1", SHED_BACKLOG="0").returncode == 0


def test_every_number_checked_is_a_setting_of_the_project():
    from helpdesk import limits, settings

    names = set(vars(settings)) | {
        "SECURE_HSTS_SECONDS",
        "WEB_STATEMENT_TIMEOUT_MS",
    }  # set when in use
    assert set(limits.LEAST) <= names
