"""`manage.py seed_bench N`: bulk-load N tickets with their rows for the list benchmarks."""

import time

from django.core.management.base import BaseCommand

from helpdesk import bench_data


class Command(BaseCommand):
    help = "Bulk-load N bench tickets (replies, events, SLA clocks, firings) on the demo setup."

    def add_arguments(self, parser):
        parser.add_argument("count", type=int, help="How many tickets to add.")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")

    def handle(self, *args, count, seed, **options):
        started = time.perf_counter()
        totals = bench_data.seed(count, rng_seed=seed)
        spent = time.perf_counter() - started
        rows = ", ".join(f"{n:,} {table}" for table, n in totals.items())
        self.stdout.write(self.style.SUCCESS(f"Loaded {rows} in {spent:.1f} s."))
