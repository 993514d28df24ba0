import sys

import yaml
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from escalation.policy_code import apply_document


class Command(BaseCommand):
    help = (
        "Apply a YAML document of policies (as export_policies writes) in one transaction: "
        "prints the diff; on any error prints each with its path and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The YAML document; - reads standard input.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Print the diff, change nothing."
        )
        parser.add_argument("--user", help="Username the history names as the one who imported.")

    def handle(self, *args, file, dry_run, user, **options):
        document = self._read(file)
        outcome = apply_document(document, dry_run=dry_run, user=self._user(user))
        for path, messages in outcome.errors.items():
            for message in messages:
                self.stderr.write(f"{path or '(document)'}: {message}")
        if outcome.errors:
            raise CommandError(f"{len(outcome.errors)} error(s): nothing was changed.")
        self.stdout.write("\n".join(outcome.diff) if outcome.diff else "No changes.")
        if outcome.diff:
            done = "Dry run: nothing was changed." if dry_run else "Applied."
            self.stdout.write(done)

    def _read(self, file):
        try:
            if file == "-":
                return yaml.safe_load(sys.stdin.read())
            with open(file, encoding="utf-8") as handle:
                return yaml.safe_load(handle)
        except (OSError, yaml.YAMLError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc

    def _user(self, username):
        if not username:
            return None
        found = get_user_model().objects.filter(username=username).first()
        if found is None:
            raise CommandError(f"No user “{username}”.")
        return found
