"""`manage.py poll_inbox`: take new mail from MAIL_INBOX_URL once (the schedule does it every
minute); prints what became of it."""

from django.core.management.base import BaseCommand, CommandError

from notifications.inbound import poller


class Command(BaseCommand):
    help = "Take new mail from the IMAP inbox MAIL_INBOX_URL once."

    def add_arguments(self, parser):
        parser.add_argument("--url", default=None, help="An inbox URL other than MAIL_INBOX_URL.")

    def handle(self, *args, url=None, **options):
        try:
            result = poller.poll(url)
        except (poller.InboxError, OSError) as error:
            raise CommandError(f"{type(error).__name__}: {error}") from None
        self.stdout.write(
            f"{result.seen} new, {result.taken} taken or ignored, {result.kept_aside} kept aside"
        )
