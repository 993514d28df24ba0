"""Real servers on 127.0.0.1 for the notification tests: an SMTP server and a webhook receiver."""

import asyncio
import email
import email.policy
import hashlib
import hmac
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from ..processes import free_port


class SMTPHandler:
    """Accepts mail, refusing chosen recipients and answering DATA with scripted replies."""

    def __init__(self):
        self.messages = []
        self.data_replies = []  # e.g. ["451 4.3.0 Try later"]; 250 once exhausted
        self.refused = {}  # address -> reply to RCPT TO
        self.held = {}  # address -> threading.Event: RCPT TO is answered once it is set
        self.holding = threading.Event()  # set when a RCPT TO is being held

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        gate = self.held.get(address)
        if gate is not None:  # a sender stuck mid-send (the fault tests kill it there)
            self.holding.set()
            while not gate.is_set():
                await asyncio.sleep(0.05)
        if address in self.refused:
            return self.refused[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_replies:
            return self.data_replies.pop(0)
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), parsed))
        return "250 Message accepted"


class SMTPServer:
    def __init__(self):
        self.port = free_port()
        self.handler = SMTPHandler()
        self.controller = None

    @property
    def messages(self):
        return self.handler.messages

    def start(self):
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server, with Django's SMTP backend pointed at it. `.stop()` to take it down."""
    server = SMTPServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5
    server.start()
    yield server
    server.stop()


@dataclass
class Received:
    path: str
    headers: dict
    body: bytes
    signature_ok: bool
    status: int


@dataclass
class WebhookReceiver:
    """Answers POSTs with scripted (status, delay) pairs, 200 once the script runs out; a bad
    signature gets 401, as a real receiver would."""

    secret: str = "whsec-test"
    script: list = field(default_factory=list)
    requests: list = field(default_factory=list)
    url: str = ""

    def answer(self):
        return self.script.pop(0) if self.script else (200, 0)


def make_handler(receiver):
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            expected = (
                "sha256=" + hmac.new(receiver.secret.encode(), body, hashlib.sha256).hexdigest()
            )
            ok = hmac.compare_digest(expected, self.headers.get("X-Tierdesk-Signature", ""))
            status, delay = receiver.answer() if ok else (401, 0)
            receiver.requests.append(Received(self.path, dict(self.headers), body, ok, status))
            time.sleep(delay)
            try:
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok")
            except OSError:
                pass  # the client gave up waiting

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def webhook_receiver(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True  # the receiver listens on this host's loopback
    receiver = WebhookReceiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(receiver))
    server.daemon_threads = True
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/tierdesk"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield receiver
    server.shutdown()
    server.server_close()
