"""The webhook channel: a signed JSON POST with urllib, and which endpoints hear of what."""

import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q

from .errors import DeliveryError
from .models import Notification, Webhook

USER_AGENT = "Tierdesk-Webhook/1"


def matching(kind, team):
    """Active webhooks of `team` (and of every team) that asked for `kind`.

    An empty `kinds` list means every agent kind: customer kinds go only to endpoints that
    name them."""
    hooks = Webhook.objects.filter(is_active=True)
    hooks = (
        hooks.filter(Q(team=team) | Q(team__isnull=True))
        if team
        else hooks.filter(team__isnull=True)
    )
    return [hook for hook in hooks if wants(hook, kind)]


def wants(hook, kind):
    if hook.kinds:
        return kind in hook.kinds
    return kind not in Notification.PUBLIC_KINDS


def url_digest(url):
    return hashlib.sha256(url.encode()).hexdigest()[:16]


def ticket_payload(ticket, url):
    team = ticket.team if ticket.team_id else None
    return {
        "id": ticket.pk,
        "reference": ticket.reference or f"HD-{ticket.pk}",
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "team": {"id": team.pk, "slug": team.slug, "name": team.name} if team else None,
        "assignee": ticket.assignee_id,
        "escalation_level": ticket.escalation_level,
        "url": url,
    }


def body(kind, ticket_data, event, summary, *, slack=False):
    """The frozen JSON body: ticket and event, or a Slack-style `text` message."""
    if slack:
        text = summary.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return {"text": f"{text} <{ticket_data['url']}|Open {ticket_data['reference']}>"}
    return {"event": {"kind": kind, **event}, "ticket": ticket_data, "summary": summary}


def encode(payload):
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def sign(secret, raw_body):
    """`sha256=<hex>`: HMAC-SHA256 of the exact bytes sent, keyed with the endpoint's secret."""
    digest = hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A signed POST is not replayed elsewhere (nor turned into a GET): a 3xx is an error."""

    def redirect_request(self, *args, **kwargs):
        return None


class PeerRefused(OSError):
    """The connection reached an address webhooks may not go to."""


def _checked_connection(address, *args, **kwargs):
    """socket.create_connection, then judge the address really connected to, before a byte is
    sent: a name that resolved to a public address for `resolve` and to a private one a moment
    later (DNS rebinding) is caught here."""
    sock = socket.create_connection(address, *args, **kwargs)
    reason = refusal(sock.getpeername()[0])
    if reason:
        sock.close()
        raise PeerRefused(reason)
    return sock


class _CheckedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _checked_connection


class _CheckedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._create_connection = _checked_connection


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_CheckedHTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_CheckedHTTPSConnection, req, context=self._context)


_opener = urllib.request.build_opener(_RefuseRedirects, _HTTPHandler, _HTTPSHandler)


def refusal(address):
    """Why a webhook may not be sent to this IP address, or None when it may.

    A webhook URL is typed by an admin but requested by the server: without this check it
    reaches the server's own loopback services and the cloud metadata endpoint (SSRF).
    WEBHOOK_ALLOW_PRIVATE lets a receiver on the company network (or this host) through."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    allow_private = getattr(settings, "WEBHOOK_ALLOW_PRIVATE", False)
    if ip.is_link_local:
        return f"{ip} is a link-local address"
    if ip.is_multicast or ip.is_unspecified or ip.is_reserved:
        return f"{ip} is not a unicast address"
    if ip.is_loopback:
        return None if allow_private else f"{ip} is a loopback address"
    if not ip.is_global:
        return None if allow_private and ip.is_private else f"{ip} is a private address"
    return None


def validate_url(url):
    """Refuse, when configuring a webhook, a URL whose host is a non-public address.

    Host names are judged again after DNS resolution at every delivery (`resolve`)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError as error:
        raise ValidationError(f"Not a valid URL: {error}") from None
    if parts.scheme not in ("http", "https") or not host:
        raise ValidationError("Enter an http(s) URL.")
    if host == "localhost" or host.endswith(".localhost"):
        host = "127.0.0.1"
    try:
        reason = refusal(host)
    except ValueError:
        return  # a host name
    if reason:
        raise ValidationError(
            f"Webhooks cannot be sent to {reason}; use a public address.", code="address"
        )


def resolve(url):
    """Resolve the URL's host; raise a permanent DeliveryError if any address is not public."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DeliveryError(f"Not an http(s) URL: {url!r}", temporary=False)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except socket.gaierror as error:
        raise DeliveryError(f"Cannot resolve {parts.hostname}: {error}", temporary=True) from None
    for info in infos:
        reason = refusal(info[4][0])
        if reason:
            raise DeliveryError(
                f"Refused: {parts.hostname} resolves to {reason}; webhooks go to public "
                "addresses only",
                temporary=False,
            )


def send(notification):
    """POST the row's payload; raise DeliveryError saying if a retry can help."""
    try:
        resolve(notification.address)
    except ValueError as error:
        raise DeliveryError(f"Bad webhook URL: {error}", temporary=False) from None
    raw = encode(notification.payload)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-Tierdesk-Delivery": str(notification.pk),
        "X-Tierdesk-Event": notification.kind,
    }
    if notification.secret:
        headers["X-Tierdesk-Signature"] = sign(notification.secret, raw)
    request = urllib.request.Request(notification.address, data=raw, headers=headers, method="POST")
    timeout = getattr(settings, "WEBHOOK_TIMEOUT_SECONDS", 10)
    try:
        with _opener.open(request, timeout=timeout) as response:
            response.read(64 * 1024)
    except urllib.error.HTTPError as error:
        error.close()
        temporary = error.code >= 500 or error.code in (408, 429)
        raise DeliveryError(f"HTTP {error.code} {error.reason}", temporary=temporary) from None
    except urllib.error.URLError as error:
        if isinstance(error.reason, PeerRefused):
            raise DeliveryError(
                f"Refused: the connection reached {error.reason}; webhooks go to public "
                "addresses only",
                temporary=False,
            ) from None
        raise DeliveryError(f"URLError: {error.reason}", temporary=True) from None
    except (OSError, http.client.HTTPException) as error:
        raise DeliveryError(f"{type(error).__name__}: {error}", temporary=True) from None
    except ValueError as error:
        raise DeliveryError(f"Bad webhook URL: {error}", temporary=False) from None
