"""`manage.py ingest_email < message.eml`: one RFC 5322 message from an MTA's pipe.

Exits 0 when the message was taken or deliberately ignored, 1 when it was kept aside
(rejected, or held for review: see "Rejected mail" in the admin), 2 on a usage error; one line
says why, never a traceback."""

import sys

from django.core.management.base import BaseCommand

from notifications.inbound.ingest import ingest

USAGE = 2


class Command(BaseCommand):
    help = "Take one email message from standard input (for an MTA pipe)."

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)

        def error(message):
            sys.stderr.write(f"ingest_email: {message} (usage: manage.py ingest_email < mail)\n")
            sys.exit(USAGE)

        parser.error = error
        return parser

    def handle(self, *args, **options):
        if sys.stdin is None or sys.stdin.isatty():
            self._end(USAGE, "no message: pipe one on standard input")
        raw = sys.stdin.buffer.read()
        if not raw.strip():
            self._end(USAGE, "no message: standard input was empty")
        try:
            outcome = ingest(raw)
        except Exception as error:  # the database itself failed: say so in one line
            self._end(1, f"not taken: {type(error).__name__}: {error}".splitlines()[0])
        self._end(outcome.exit_code, f"{outcome.status}: {outcome.reason}".splitlines()[0])

    def _end(self, code, line):
        (self.stdout if code == 0 else self.stderr).write(line[:500])
        sys.exit(code)
