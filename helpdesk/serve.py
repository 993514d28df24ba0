"""Serve the web app and the qcluster workers together; Ctrl-C (or SIGTERM) stops them all.

    python -m helpdesk.serve            # `make run`: runserver + one qcluster, as configured
    python -m helpdesk.serve --scaled   # `make run-scaled`: PostgreSQL + Redis, gunicorn -w 2
                                        # and two qclusters behind one address

The scaled stack reads everything from the environment (defaults in SCALED_DEFAULTS). It
creates the PostgreSQL database when missing, migrates, loads the demo into an empty database
(unless TIERDESK_DEMO=false), collects the static files (WhiteNoise serves them from gunicorn)
and starts the processes. When any of them exits on its own, it says which and stops the others
(a supervisor such as systemd restarts the lot): half a stack that looks alive is worse."""

import argparse
import contextlib
import ctypes
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import environ

from . import probe

ROOT = Path(__file__).resolve().parent.parent
ADDRESS = os.environ.get("TIERDESK_ADDRESS", "127.0.0.1:8000")
SCALED_DEFAULTS = {
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/tierdesk_scaled",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "DEBUG": "false",
    "EMAIL_URL": "filemail://",
}
WEB_WORKERS = 2
CLUSTERS = 2
STOP_SECONDS = 30


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scaled", action="store_true", help="PostgreSQL, Redis, gunicorn")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.prepare:
        return set_up()
    if args.scaled:
        # .env as the settings read it (the real environment wins), before our defaults.
        environ.Env.read_env(ROOT / ".env", overwrite=False)
        env = scaled_environment(os.environ)
        prepare(env)
        commands = scaled_commands(env["TIERDESK_ADDRESS"])
    else:
        env = dict(os.environ)
        manage = [sys.executable, "manage.py"]
        commands = [("qcluster", [*manage, "qcluster"])]
        commands.append(("web", [*manage, "runserver", "--noreload", ADDRESS]))
    sys.exit(Supervisor(commands, env).run())


def scaled_environment(environ):
    """The scaled stack's environment: the caller's, over SCALED_DEFAULTS."""
    env = {**SCALED_DEFAULTS, **environ}
    env.setdefault("TIERDESK_ADDRESS", ADDRESS)
    env.setdefault("SITE_URL", f"http://{env['TIERDESK_ADDRESS']}")
    if not env.get("SECRET_KEY"):
        env["SECRET_KEY"] = local_secret_key()
    return env


def local_secret_key():
    """A key made once for this checkout (var/secret-key): DEBUG is off, and sessions and
    tokens survive a restart."""
    path = ROOT / "var" / "secret-key"
    if not path.exists():
        path.parent.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


def prepare(env):
    """Database (created when missing) and Redis answer; then, in one Django process, the
    schema migrated, the demo in an empty database and the static files collected."""
    url, redis_url = env["DATABASE_URL"], env["REDIS_URL"]
    if url.startswith("postgres") and create_database(url):
        say(f"created the database {url.rsplit('/', 1)[1]}")
    if redis_url and not probe.redis(redis_url):
        raise SystemExit(f"Redis does not answer at {redis_url} (make run-scaled starts it)")
    subprocess.run(
        [sys.executable, "-m", "helpdesk.serve", "--prepare"], cwd=ROOT, env=env, check=True
    )


def set_up():
    """`--prepare`: what `prepare` runs inside Django (one start-up instead of three)."""
    import django
    from django.core.management import call_command

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helpdesk.settings")
    django.setup()
    from django.contrib.auth.models import User

    call_command("migrate", interactive=False, verbosity=0)
    demo = os.environ.get("TIERDESK_DEMO", "true").lower() not in ("false", "0", "no")
    if demo and not User.objects.exists():
        call_command("seed_demo")
    call_command("collectstatic", interactive=False, verbosity=0)


def create_database(url):
    """Create the database the URL names when the server does not have it; True if it did."""
    import psycopg
    from psycopg import sql

    server, name = url.rsplit("/", 1)
    name = name.split("?", 1)[0]
    try:
        connection = psycopg.connect(f"{server}/postgres", connect_timeout=3, autocommit=True)
    except psycopg.OperationalError as exc:
        raise SystemExit(f"PostgreSQL does not answer at {server}: {exc}") from exc
    with connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if exists.fetchone():
            return False
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return True


def scaled_commands(address):
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    # No control socket: its default path is one per user, which a second stack would take over.
    web = [gunicorn, "helpdesk.wsgi", "-w", str(WEB_WORKERS), "-b", address, "--no-control-socket"]
    commands = [("web", web)]
    for n in range(1, CLUSTERS + 1):
        commands.append((f"qcluster {n}", [sys.executable, "manage.py", "qcluster"]))
    return commands


class Supervisor:
    """Starts each command in a process group of its own and stops every group together."""

    def __init__(self, commands, env):
        self.commands, self.env, self.children = commands, env, {}

    def run(self):
        signal.signal(signal.SIGTERM, self._terminate)
        # Even when started in the background by a shell, which ignores SIGINT there.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        # Held while the children start: a signal landing in a fork's after-fork handlers
        # (logging's lock release) raised _Stop where Python ignores it, and the stop was lost.
        # It is delivered on unblocking, inside the try below.
        signal.pthread_sigmask(signal.SIG_BLOCK, STOPPING)
        for name, args in self.commands:
            child = subprocess.Popen(
                args, cwd=ROOT, env=self.env, start_new_session=True, preexec_fn=_die_with_parent
            )
            self.children[child.pid] = (name, child)
        say(f"Tierdesk at http://{self.env.get('TIERDESK_ADDRESS', ADDRESS)}/ (Ctrl-C stops)")
        say(", ".join(f"{name} pid {pid}" for pid, (name, _) in self.children.items()))
        try:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPPING)
            pid, status = os.wait()  # the first child to exit, on its own
        except (KeyboardInterrupt, _Stop):
            self.stop()
            return 0
        name, _ = self.children[pid]
        say(f"{name} (pid {pid}) exited with code {os.waitstatus_to_exitcode(status)}: stopping")
        self.stop()
        return 1

    def stop(self):
        """SIGTERM to each leader (gunicorn and qcluster stop their workers gracefully), then
        SIGKILL to whatever is left in the groups: nothing outlives the stack."""
        # A second Ctrl-C or SIGTERM must not cut this short.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for _, child in self.children.values():
            with contextlib.suppress(ProcessLookupError):
                child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + STOP_SECONDS
        for _, child in self.children.values():
            with contextlib.suppress(subprocess.TimeoutExpired, ChildProcessError):
                child.wait(timeout=max(deadline - time.monotonic(), 0.1))
        for pid in self.children:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)
        say("stopped")

    def _terminate(self, signum, frame):
        raise _Stop


class _Stop(Exception):
    """SIGTERM, raised in the main thread like Ctrl-C's KeyboardInterrupt."""


STOPPING = {signal.SIGTERM, signal.SIGINT}


def _die_with_parent():
    """Linux: a child gets SIGTERM if this supervisor is killed outright (SIGKILL). It starts
    with the stop signals unblocked (the supervisor holds them while it starts the children)."""
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOPPING)
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def say(message):
    print(f"serve: {message}", flush=True)


if __name__ == "__main__":
    main()
