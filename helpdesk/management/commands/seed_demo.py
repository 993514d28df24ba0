"""`manage.py seed_demo`: load the demo teams, policies, people and tickets (idempotent)."""

from django.core.management.base import BaseCommand

from helpdesk import demo


class Command(BaseCommand):
    help = "Load demo teams, SLA and escalation policies, people and tickets; safe to re-run."

    def add_arguments(self, parser):
        parser.add_argument(
            "--seed",
            type=int,
            default=demo.RANDOM_SEED,
            help="Random seed for the demo tickets (default %(default)s).",
        )

    def handle(self, *args, seed, **options):
        created = demo.seed(rng_seed=seed)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {created} new ticket(s)."))
        self.stdout.write("\nDemo logins (supervisor sam can use /admin/):\n")
        self.stdout.write(demo.credentials_table())
