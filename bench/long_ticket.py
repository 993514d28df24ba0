"""What a piece of work costs on a ticket with a long history (a major incident's thousands of
events): the agents report's slots are kept in each change's transaction (escalation/work.py).

Opens one ticket on a fresh SQLite database, writes internal notes on it an hour apart by one
agent, and times 20 more notes at each size (in-process, the whole `add_reply`: its reply,
event, reactions and commit). Median and spread of the 20, per size; `--rounds` tickets, each
from scratch. `--code` measures another checkout's code (a worktree of an older commit) on the
same machine in the same run. Figures are saved under bench/results/. Usage:
    python bench/long_ticket.py [--sizes 20,500,1000,2000,4000] [--rounds 3] [--code DIR]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.tables import child_env, markdown, save  # noqa: E402

SAMPLES = 20


def child(sizes):
    """In the measured checkout's environment: the note times (ms) at each size."""
    sys.path.insert(0, os.getcwd())  # the measured checkout's code, not this one's
    import django

    django.setup()
    from datetime import timedelta

    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from incidents import roles
    from incidents.models import Team, Ticket

    team = Team.objects.create(name="Major incidents", tier=1)
    agent = User.objects.create_user("agent", password="x")
    agent.groups.add(Group.objects.get_or_create(name=roles.AGENTS)[0])
    customer = User.objects.create_user("customer", password="x")
    start = timezone.now() - timedelta(days=400)
    ticket = Ticket.open_ticket(
        requester=customer, subject="Outage", description="Down", team=team, at=start
    )
    written, found = 0, {}
    for size in sizes:
        while written < size - SAMPLES:
            written += 1
            ticket.add_reply(agent, "Update", internal=True, at=start + timedelta(hours=written))
        times = []
        for _ in range(SAMPLES):
            written += 1
            began = time.perf_counter()
            ticket.add_reply(agent, "Update", internal=True, at=start + timedelta(hours=written))
            times.append((time.perf_counter() - began) * 1000)
        found[size] = times
    from escalation import work

    print(json.dumps({"code": work.__file__, "times": found}))


def measure(code, sizes):
    with tempfile.TemporaryDirectory() as tmp:
        env = child_env(os.environ, f"sqlite:///{tmp}/long.sqlite3", root=code)
        manage = [sys.executable, str(Path(code) / "manage.py")]
        subprocess.run([*manage, "migrate", "-v0"], cwd=code, env=env, check=True)
        script = [sys.executable, str(ROOT / "bench" / "long_ticket.py"), "--child"]
        done = subprocess.run(
            [*script, "--sizes", ",".join(map(str, sizes))],
            cwd=code,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        found = json.loads(done.stdout.splitlines()[-1])
        assert found["code"].startswith(str(Path(code).resolve())), found["code"]
        return {int(k): v for k, v in found["times"].items()}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="20,500,1000,2000,4000")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--code", action="append", default=[])
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.child:
        return child(sizes)
    codes = [str(ROOT), *args.code]
    rounds = {code: [] for code in codes}
    for _ in range(args.rounds):
        for code in codes:  # interleaved, so a busy minute falls on both
            rounds[code].append(measure(code, sizes))
    rows, data = [], {"sizes": sizes, "rounds": args.rounds, "medians": {}}
    for code in codes:
        for size in sizes:
            medians = [statistics.median(r[size]) for r in rounds[code]]
            data["medians"].setdefault(code, {})[size] = medians
            spread = f"{min(medians):.1f}–{max(medians):.1f}"
            rows.append([code, size, f"{statistics.median(medians):.1f}", spread])
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    title = (
        f"A note on a ticket of N events: median of {args.rounds} rounds of each round's "
        f"median of {SAMPLES} notes, ms (spread of the round medians); load average {load}"
    )
    table = markdown(title, ["code", "events", "note ms", "spread"], rows)
    print(table)
    save("long_ticket", data, table)


if __name__ == "__main__":
    main()
