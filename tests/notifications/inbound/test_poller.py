"""The IMAP poller against a real dovecot on 127.0.0.1: taken once, even across a kill."""

import shutil
import tempfile

import pytest

from incidents.models import Reply, Ticket
from notifications.inbound import poller
from notifications.models import InboundMail

from ...processes import free_port, output, spawn
from .corpus import corpus
from .dovecot import Dovecot

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def dovecot():
    # Not under pytest's tmp_path: its parents are private to us, and dovecot's mail processes
    # run as its own user.
    root = tempfile.mkdtemp(prefix="tierdesk-dovecot-")
    server = Dovecot(root, free_port())
    why_not = server.start()
    if why_not:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
        pytest.skip(why_not)
    yield server
    server.stop()
    shutil.rmtree(root, ignore_errors=True)


def new_ticket_mail(n):
    raw = corpus("new_multipart_alternative.eml")
    raw = raw.replace(b"carol@newcomer.example", f"sender{n}@newcomer.example".encode())
    return raw.replace(b"<new-1@", f"<new-{n}@".encode())


def reply_mail(ticket, n):
    raw = corpus("outlook_reply_no_threading.eml", ticket)
    return raw.replace(b"<AM0PR02MB5678@", f"<reply-{n}@".encode())


def test_twenty_messages_and_a_poller_killed_halfway_each_become_one_ticket_or_reply(
    dovecot, customer_ticket, teams, tmp_path
):
    dovecot.deliver(
        [new_ticket_mail(n) if n % 2 else reply_mail(customer_ticket, n) for n in range(20)]
    )

    media = {"MEDIA_ROOT": tmp_path / "media"}
    crashed = spawn(
        ["-m", "tests.notifications.inbound.crashing_poller", dovecot.url, "10"], **media
    )
    crashed.wait(timeout=120)
    assert crashed.returncode == -9, output(crashed)
    assert InboundMail.objects.count() == 10
    assert sum("$Tierdesk" in flags for flags in dovecot.flags()) == 9  # the 10th: unmarked

    restarted = spawn(["manage.py", "poll_inbox", "--url", dovecot.url], **media)
    restarted.wait(timeout=120)
    assert restarted.returncode == 0, output(restarted)

    assert "11 new, 11 taken or ignored, 0 kept aside" in output(restarted)
    assert InboundMail.objects.filter(status="taken").count() == 20
    assert Ticket.objects.exclude(pk=customer_ticket.pk).count() == 10
    assert Reply.objects.filter(ticket=customer_ticket).count() == 10
    senders = Ticket.objects.exclude(pk=customer_ticket.pk).values_list(
        "requester__email", flat=True
    )
    assert sorted(senders) == sorted(f"sender{n}@newcomer.example" for n in range(1, 20, 2))
    assert all("$Tierdesk" in flags and "\\Seen" in flags for flags in dovecot.flags())
    assert poller.poll(dovecot.url).seen == 0


def test_taken_mail_moves_to_the_folder_the_url_names(dovecot, teams):
    imap = dovecot.client()
    imap.create("Taken")
    imap.logout()
    dovecot.deliver(
        [new_ticket_mail(1), corpus("mailing_list.eml"), corpus("malformed_header.eml")]
    )

    result = poller.poll(dovecot.url + "?taken=Taken")

    assert (result.seen, result.taken, result.kept_aside) == (3, 2, 1)
    assert dovecot.flags() == []
    imap = dovecot.client()
    assert imap.select("Taken") == ("OK", [b"3"])
    imap.logout()
    assert InboundMail.objects.kept_aside().count() == 1


def test_no_inbox_configured_polls_nothing(settings, db):
    settings.MAIL_INBOX_URL = ""

    assert poller.poll().seen == 0


def test_a_url_that_is_not_imap_is_refused():
    with pytest.raises(poller.InboxError):
        poller.Inbox.from_url("pop3://user:pass@host/")
