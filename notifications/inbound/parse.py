"""A message's bytes, read without ever raising on what senders get wrong: malformed headers,
unknown or wrong charset labels, HTML-only bodies. Its text, files and threading headers."""

import html
import mimetypes
import re
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

import nh3
from mailparser_reply import EmailReplyParser

# Labels mail clients write for text that is really Windows-1252 (as browsers read them too).
WINDOWS_1252_ALIASES = {"us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1", "iso8859-1"}
MESSAGE_ID = re.compile(r"<[^<>\s]+>")
BLOCK_END = re.compile(r"</(p|div|li|tr|h[1-6]|table|ul|ol)\s*>|<br\s*/?>", re.IGNORECASE)
TAG = re.compile(r"<[^>]*>")
REPLY_LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "sv", "da", "pl", "cs"]


@dataclass
class File:
    filename: str
    content_type: str
    data: bytes


@dataclass
class Mail:
    message: object
    sender: str
    sender_name: str
    subject: str
    message_id: str
    references: list = field(default_factory=list)
    recipients: list = field(default_factory=list)
    text: str = ""
    files: list = field(default_factory=list)

    def header(self, name):
        return header(self.message, name)

    def reply_text(self):
        """The text without the quoted history and signature, where that is reliable."""
        trimmed = trim_quoted(self.text)
        return trimmed or self.text


def parse(raw):
    message = BytesParser(policy=policy.default).parsebytes(raw)
    name, sender = parseaddr(header(message, "From"))
    body = _body_part(message)
    return Mail(
        message=message,
        sender=sender.strip().lower(),
        sender_name=name.strip(),
        subject=" ".join(header(message, "Subject").split()),
        message_id=(MESSAGE_ID.findall(header(message, "Message-ID")) or [""])[0],
        references=_references(message),
        recipients=_recipients(message),
        text=_text_of(body) if body is not None else "",
        files=_files(message, body),
    )


def header(message, name):
    """A header as text; a value the strict parser chokes on is read as its raw bytes."""
    try:
        value = message.get(name)
    except Exception:  # the header parser's own bugs on hostile input, too
        value = None
        for key, raw in message.raw_items():
            if key.lower() == name.lower():
                value = raw
                break
    if value is None:
        return ""
    try:
        return str(value)
    except Exception:
        return repr(value)


def header_all(message, name):
    try:
        values = message.get_all(name) or []
    except Exception:
        values = [raw for key, raw in message.raw_items() if key.lower() == name.lower()]
    out = []
    for value in values:
        try:
            out.append(str(value))
        except Exception:
            continue
    return out


def _references(message):
    ids = []
    for name in ("In-Reply-To", "References"):
        for value in header_all(message, name):
            ids.extend(MESSAGE_ID.findall(value))
    return ids


def _recipients(message):
    values = []
    for name in ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To"):
        values.extend(header_all(message, name))
    try:
        pairs = getaddresses(values)
    except Exception:
        pairs = []
    return [address.strip().lower() for _, address in pairs if "@" in address]


def _body_part(message):
    try:
        return message.get_body(preferencelist=("plain", "html"))
    except Exception:
        return None


def decode(part):
    """A text part's characters: its label first, then UTF-8, then Windows-1252, never an
    error (a wrong or unknown label is common)."""
    try:
        data = part.get_payload(decode=True) or b""
    except Exception:
        data = str(part.get_payload()).encode("utf-8", "replace")
    if isinstance(data, str):
        data = data.encode("utf-8", "replace")
    label = (_charset(part) or "us-ascii").lower()
    if label in WINDOWS_1252_ALIASES:
        label = "windows-1252"
    for charset in (label, "utf-8", "windows-1252"):
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("latin-1")


def _charset(part):
    try:
        return part.get_content_charset()
    except Exception:
        return None


def _text_of(part):
    text = decode(part)
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    return normalise(text)


def normalise(text):
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = "\n".join(line.rstrip() for line in text.split("\n"))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def html_to_text(markup):
    """HTML reduced to text by nh3 (scripts, styles and quoted blocks dropped with what they
    hold), then line breaks where blocks end and the entities read."""
    cleaned = nh3.clean(
        markup,
        tags={"p", "div", "br", "li", "tr", "table", "ul", "ol", "h1", "h2", "h3", "h4"},
        attributes={},
        clean_content_tags={"script", "style", "head", "title", "blockquote"},
        link_rel=None,
    )
    text = TAG.sub("", BLOCK_END.sub("\n", cleaned))
    return html.unescape(text).replace("\xa0", " ")


def trim_quoted(text):
    try:
        return EmailReplyParser(languages=REPLY_LANGUAGES).parse_reply(text).strip()
    except Exception:
        return ""


def _files(message, body):
    files = []
    for number, part in enumerate(_leaves(message), start=1):
        if part is body:
            continue
        disposition = (part.get_content_disposition() or "").lower()
        filename = _filename(part)
        content_type = part.get_content_type()
        inline_image = content_type.startswith("image/") and disposition != "attachment"
        if not (disposition == "attachment" or filename or inline_image):
            continue  # another text alternative of the body
        if not filename:
            filename = f"part-{number}{mimetypes.guess_extension(content_type) or ''}"
        files.append(File(filename, content_type, _payload(part)))
    return files


def _leaves(part):
    """The parts that are not containers; a forwarded message is one leaf, kept whole."""
    if part.get_content_type() == "message/rfc822" or not part.is_multipart():
        yield part
        return
    try:
        children = part.iter_parts()
        for child in children:
            yield from _leaves(child)
    except Exception:
        return


def _filename(part):
    try:
        name = part.get_filename() or ""
    except Exception:
        name = ""
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name and part.get_content_type() == "message/rfc822":
        return "attached-message.eml"
    return name[:200]


def _payload(part):
    if part.get_content_type() == "message/rfc822":
        inner = part.get_payload()
        inner = inner[0] if isinstance(inner, list) and inner else inner
        try:
            return inner.as_bytes(policy=policy.compat32)
        except Exception:
            return str(inner).encode("utf-8", "replace")
    try:
        return part.get_payload(decode=True) or b""
    except Exception:
        return b""
