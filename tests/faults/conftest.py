"""The fault tests' stack: a redis-server of their own (restartable), qcluster processes on the
test database, and an SMTP receiver; everything they start is stopped by a finalizer, also when
the test fails."""

import logging
import signal

import pytest
from django.conf import settings

from tests.notifications.conftest import SMTPServer
from tests.processes import RedisServer, kill_group, output, spawn, wait_until

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
on_postgres = pytest.mark.skipif(
    not ON_POSTGRES,
    reason="the fault tests run on PostgreSQL + Redis, in the PostgreSQL pass (make test-postgres)",
)


@pytest.fixture
def own_redis():
    """A redis-server of this test's own on a free port (the test may kill and restart it)."""
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp():
    """An SMTP receiver on a free port (`.messages`, `.stop()`, `.start()` on the same port)."""
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_backend(settings, smtp):
    """This process mails the SMTP receiver too (the outbox sweep run by a test)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", smtp.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 1
    return smtp


def message_ids(smtp):
    return [message["Message-ID"] for _, message in smtp.messages]


@pytest.fixture
def clusters(own_redis, smtp):
    """`clusters.start()` spawns a qcluster on the test database, Redis and the SMTP receiver;
    every cluster started is killed (with its workers) at the end."""

    class Clusters(list):
        env = {
            "REDIS_URL": own_redis.url,
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
            "ESCALATION_CLAIM_SECONDS": 3,
            "NOTIFICATION_CLAIM_SECONDS": 3,
            "Q_WORKERS": 2,
            "Q_LOG_LEVEL": "INFO",  # "running" tells the cluster is up
        }

        def start(self, **extra):
            process = spawn(["manage.py", "qcluster"], **{**self.env, **extra})
            self.append(process)
            return process

        def logs(self):
            return "\n".join(output(p) for p in self)

    made = Clusters()
    yield made
    for process in made:
        kill_group(process, signal.SIGKILL)
        process.wait(timeout=10)


def until(condition, clusters, timeout):
    assert wait_until(condition, timeout=timeout), clusters.logs()


def cluster_up(process):
    """Wait until a qcluster has started (its log says so)."""
    assert wait_until(lambda: "running" in output(process).lower(), timeout=30), output(process)
