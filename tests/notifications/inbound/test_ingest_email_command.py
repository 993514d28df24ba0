"""`manage.py ingest_email`: exit 0 taken or ignored, 1 kept aside, 2 usage; one line, never a
traceback, whatever comes in on standard input."""

import io
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from incidents.models import Ticket
from notifications.models import InboundMail

from ...processes import ROOT, child_env
from .corpus import CORPUS, corpus

pytestmark = pytest.mark.django_db


def run(monkeypatch, raw, capsys):
    """The command in this process (fast enough for a corpus): (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    with pytest.raises(SystemExit) as ended:
        call_command("ingest_email")
    out, err = capsys.readouterr()
    return ended.value.code, out, err


def test_a_new_mail_is_taken_and_says_so(monkeypatch, capsys, teams):
    code, out, err = run(monkeypatch, corpus("new_multipart_alternative.eml"), capsys)

    ticket = Ticket.objects.get()
    assert (code, out.strip(), err) == (0, f"taken: opened {ticket.reference}", "")


def test_an_ignored_mail_exits_0(monkeypatch, capsys, customer_ticket, receipt):
    code, out, _ = run(monkeypatch, corpus("auto_reply.eml", customer_ticket, receipt), capsys)

    assert (code, out.strip()) == (0, "ignored: automatic mail (Auto-Submitted: auto-replied)")


def test_a_malformed_message_is_kept_aside_with_exit_1(monkeypatch, capsys, teams):
    code, out, err = run(monkeypatch, corpus("malformed_header.eml"), capsys)

    assert code == 1 and out == ""
    assert err.startswith("rejected: no usable sender address") and err.count("\n") <= 1
    row = InboundMail.objects.get()
    assert row.status == "rejected" and row.raw


def test_a_30_mb_message_is_kept_aside_not_taken(monkeypatch, capsys, teams):
    head = corpus("new_multipart_alternative.eml").split(b"--alt--")[0]
    huge = head + b"--alt\r\nContent-Type: application/pdf\r\n\r\n" + b"A" * (30 * 1024 * 1024)

    code, _out, err = run(monkeypatch, huge + b"\r\n--alt--\r\n", capsys)

    assert code == 1 and err.startswith("rejected: too large (30.0")
    assert not Ticket.objects.exists()
    assert InboundMail.objects.get().size > 30 * 1024 * 1024


def test_empty_input_is_a_usage_error(monkeypatch, capsys):
    code, _out, err = run(monkeypatch, b"  \n", capsys)

    assert (code, err.strip()) == (2, "no message: standard input was empty")


@pytest.mark.parametrize("name", sorted(p.name for p in CORPUS.glob("*.eml")))
def test_every_corpus_message_ends_in_0_or_1_with_one_line(name, monkeypatch, capsys, teams):
    code, out, err = run(monkeypatch, corpus(name), capsys)

    assert code in (0, 1)
    line = (out or err).strip()
    assert line.split(":")[0] in ("taken", "ignored", "rejected", "held")
    assert "\n" not in line and "Traceback" not in out + err


def python_email_messages():
    """CPython's own test messages (Debian: libpython3.X-testsuite, installed by .ci/run)."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for base in (Path(sys.base_prefix) / "lib", Path("/usr/lib")):
        found = sorted((base / version / "test" / "test_email" / "data").glob("msg_*.txt"))
        if found:
            return found
    return []


PYTHON_MESSAGES = python_email_messages()


@pytest.mark.skipif(
    not PYTHON_MESSAGES,
    reason="CPython's test_email data is not installed (Debian: apt-get install "
    f"libpython3.{sys.version_info.minor}-testsuite; .ci/run does)",
)
def test_pythons_own_email_test_messages_never_make_a_traceback(monkeypatch, capsys, teams):
    codes = {}
    for path in PYTHON_MESSAGES:
        code, out, err = run(monkeypatch, path.read_bytes(), capsys)
        assert code in (0, 1, 2), path.name
        assert "Traceback" not in out + err and (out + err).count("\n") <= 1, path.name
        codes[path.name] = code
    assert len(codes) > 40 and 0 in codes.values()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_real_command_from_a_pipe(teams, tmp_path):
    """One run of the real process on the test database (an MTA's view): stdin in, one line
    and the exit code out."""
    manage = [sys.executable, str(ROOT / "manage.py"), "ingest_email"]
    mail = (CORPUS / "new_multipart_alternative.eml").read_bytes()
    env = child_env(MEDIA_ROOT=tmp_path / "media")

    taken = subprocess.run(manage, input=mail, env=env, capture_output=True, cwd=ROOT)
    usage = subprocess.run([*manage, "--bogus"], input=b"", env=env, capture_output=True, cwd=ROOT)

    reference = Ticket.objects.get().reference
    assert (taken.returncode, taken.stdout.decode().strip()) == (0, f"taken: opened {reference}")
    assert usage.returncode == 2 and usage.stderr.decode().count("\n") == 1
    assert b"Traceback" not in taken.stderr + usage.stderr
