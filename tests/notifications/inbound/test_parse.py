"""Reading a message whatever its state: charsets, HTML, files, broken headers."""

from types import SimpleNamespace

import pytest

from notifications.inbound.parse import html_to_text, parse

from .corpus import corpus


@pytest.mark.parametrize(
    ("name", "subject", "text"),
    [
        ("iso_8859_1.eml", "Grüße aus Köln", "Der Drucker im Büro druckt nur noch Fußnoten."),
        ("windows_1252.eml", "Smart quotes", "It says \u201cerror\u201d \u2013 costs \u20ac5."),
        ("shift_jis.eml", "プリンター", "プリンターが動きません。"),
        ("wrong_charset_label.eml", "Labelled UTF-8, written in Latin-1", "Café fermé."),
        ("unknown_charset.eml", "Unknown charset", "Plain words, é too."),
    ],
)
def test_charsets_by_label_then_utf8_then_windows_1252(name, subject, text):
    mail = parse(corpus(name))

    assert (mail.subject, mail.text) == (subject, text)


def test_multipart_alternative_takes_the_plain_part():
    mail = parse(corpus("new_multipart_alternative.eml"))

    assert mail.text == "The VPN drops every hour.\nSince Monday & only on Wi-Fi."
    assert (mail.sender, mail.sender_name) == ("carol@newcomer.example", "Carol Stranger")
    assert mail.files == []


def test_html_only_is_reduced_to_text_without_scripts():
    mail = parse(corpus("html_only.eml"))

    assert mail.text == "First line\nSecond <line>"


def test_html_quotes_styles_and_entities():
    markup = "<style>p{}</style><p>Yes &amp; no</p><blockquote>old mail</blockquote><br>Bye"

    assert html_to_text(markup).split() == ["Yes", "&", "no", "Bye"]


def test_attachments_and_the_inline_image_are_listed_with_their_bytes():
    files = parse(corpus("attachments_inline_image.eml")).files

    assert [(f.filename, f.content_type) for f in files] == [
        ("part-3.png", "image/png"),
        ("error.log", "text/plain"),
        ("fix.exe", "application/x-msdownload"),
    ]
    assert files[0].data.startswith(b"\x89PNG")


def test_quoted_history_is_trimmed_for_replies():
    mail = parse(corpus("gmail_reply.eml"))

    assert mail.reply_text() == "It is still smoking after the restart."
    assert "wrote:" in mail.text  # the whole text is kept too


def test_broken_headers_do_not_raise():
    mail = parse(corpus("malformed_header.eml"))

    assert mail.text == "Body after broken headers."
    assert mail.subject == "=?utf-8?q?unterminated"


def test_threading_headers_and_recipients_are_read():
    ticket, notification = SimpleNamespace(pk=3, reference="HD-3"), SimpleNamespace(pk=7)
    mail = parse(corpus("gmail_reply.eml", ticket, notification))

    assert mail.references == [
        "<tierdesk.notification.7@desk.example>",
        "<tierdesk.ticket.3@desk.example>",
        "<tierdesk.notification.7@desk.example>",
    ]
    assert mail.recipients == ["help+hd-3@desk.example"]
    assert mail.message_id == "<CAGmail123@mail.gmail.com>"


def test_an_empty_body_is_empty_text():
    assert parse(corpus("empty_body.eml")).text == ""
