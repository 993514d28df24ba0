"""A typed Python client generated from the live schema with openapi-python-client imports
cleanly and runs docs/api.md's walk-through against a live server."""

import contextlib
import importlib
import io
import pkgutil
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

pytest.importorskip("openapi_python_client", reason="openapi-python-client (dev extra) missing")

# The live server thread sees only committed rows; serialized_rollback restores the groups.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
PACKAGE = "tierdesk_client"
CONFIG = Path(__file__).resolve().parents[3] / "docs" / "client-config.yaml"


def generator():
    found = Path(sys.executable).with_name("openapi-python-client")
    return str(found) if found.exists() else shutil.which("openapi-python-client")


@pytest.fixture
def closing():
    """Closes the clients a test opens on it, before the live server and the database go. A
    client keeps its connection alive, and the live server's thread serving that connection
    keeps its database connection open while it waits: PostgreSQL then refused to drop the
    test database at the end of the run."""
    with contextlib.ExitStack() as stack:
        yield stack


@pytest.fixture
def client_package(live_server, tmp_path):
    """Generate the client from the schema the server serves, and import every module of it."""
    schema = tmp_path / "schema.json"
    schema.write_bytes(httpx.get(f"{live_server.url}/api/schema/?format=json").content)
    out = tmp_path / "generated"
    generated = subprocess.run(
        [
            generator(),
            "generate",
            "--path",
            str(schema),
            "--config",
            str(CONFIG),
            "--output-path",
            str(out / PACKAGE),
            "--meta",
            "none",
            "--fail-on-warning",
        ],
        capture_output=True,
        text=True,
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    sys.path.insert(0, str(out))
    try:
        package = importlib.import_module(PACKAGE)
        modules = [m.name for m in pkgutil.walk_packages(package.__path__, f"{PACKAGE}.")]
        for name in modules:
            importlib.import_module(name)
        assert f"{PACKAGE}.api.tickets.tickets_attachments_create" in modules
        yield package
    finally:
        sys.path.remove(str(out))
        for name in [m for m in sys.modules if m.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def test_walk_through_with_the_generated_client(
    client_package, live_server, customer, agent, teams, settings, tmp_path, closing
):
    settings.MEDIA_ROOT = tmp_path / "media"
    teams["desk"].is_intake = True
    teams["desk"].save()

    from tierdesk_client import AuthenticatedClient, Client
    from tierdesk_client.api.auth import auth_token_create
    from tierdesk_client.api.tickets import (
        tickets_acknowledge_create,
        tickets_attachments_create,
        tickets_attachments_download_retrieve,
        tickets_create,
        tickets_escalate_create,
        tickets_list,
        tickets_replies_create,
        tickets_retrieve,
        tickets_timeline_list,
    )
    from tierdesk_client.models import (
        AttachmentUploadRequest,
        AuthTokenRequest,
        Error,
        EscalateRequest,
        LevelEnum,
        ReplyCreateRequest,
        TicketCreateRequest,
    )
    from tierdesk_client.types import File

    def signed_in(user):
        body = AuthTokenRequest(username=user.username, password="pw-Tierdesk-1")
        with Client(live_server.url) as anonymous:
            token = auth_token_create.sync(client=anonymous, body=body)
        client = AuthenticatedClient(live_server.url, token=token.token, prefix="Token")
        return closing.enter_context(client)

    alice, desk = signed_in(customer), signed_in(agent)

    new = TicketCreateRequest(
        subject="Mail is down",
        description="Nobody on floor 3 can send mail.",
        impact=LevelEnum.HIGH,
        urgency=LevelEnum.MEDIUM,
    )
    ticket = tickets_create.sync(client=alice, body=new)
    assert ticket.reference == f"HD-{ticket.id}" and ticket.priority.value == "P2"
    assert [t.id for t in tickets_list.sync(client=alice).results] == [ticket.id]
    assert tickets_retrieve.sync(ticket.id, client=alice).subject == "Mail is down"

    assert tickets_acknowledge_create.sync(ticket.id, client=desk).acknowledged_at is not None
    reply = tickets_replies_create.sync(
        ticket.id, client=alice, body=ReplyCreateRequest(body="Still down.")
    )
    assert reply.internal is False
    escalated = tickets_escalate_create.sync(
        ticket.id, client=desk, body=EscalateRequest(reason="Needs the mail admins.")
    )
    assert escalated.team == teams["apps"].pk and escalated.escalation_level == 1
    kinds = [entry.kind for entry in tickets_timeline_list.sync(ticket.id, client=alice)]
    assert kinds[0] == "created" and {"acknowledged", "replied"} <= set(kinds)

    missing = tickets_retrieve.sync_detailed(ticket.id + 1000, client=alice)
    assert missing.status_code == 404
    assert isinstance(missing.parsed, Error) and missing.parsed.detail

    log = File(payload=io.BytesIO(b"smtp: 421"), file_name="smtp.log.txt", mime_type="text/plain")
    body = AttachmentUploadRequest(file=log, reply=reply.id)
    attachment = tickets_attachments_create.sync(ticket.id, client=alice, body=body)
    assert attachment.reply == reply.id and attachment.size == 9
    downloaded = tickets_attachments_download_retrieve.sync(ticket.id, attachment.id, client=alice)
    assert downloaded.payload.read() == b"smtp: 421"

    refused = tickets_replies_create.sync_detailed(
        ticket.id, client=alice, body=ReplyCreateRequest(body="")
    )
    assert refused.status_code == 400 and refused.parsed["body"]
