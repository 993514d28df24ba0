"""How long does business-time arithmetic take, before and after issue 9?

Runs the same cases against the current ``escalation/business_time/`` ("after") and the
version before issue 9 ("before": ``BEFORE_REV``, the parent of issue 9's first commit to the
module, loaded at runtime from ``git show <rev>:…`` into a throwaway module; no copy of the old
code is kept), and prints the median and p99 per call, measured
with ``time.perf_counter_ns`` one call at a time after a warm-up. Figures are saved as JSON
under ``bench/results/``. Pure standard library; no Django, no database. Usage:
    python bench/business_time.py [--budget 2.0] [--rev BEFORE_REV]
"""

import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
sys.path.insert(0, str(ROOT))

from escalation import business_time as after_module  # noqa: E402

# Parent of d7318cc, issue 9's first commit to escalation/business_time/.
BEFORE_REV = "f8cc19faf555"
H = 3600
BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2025, 6, 4, 13, tzinfo=BERLIN)  # a Wednesday afternoon
OFFICE = tuple((d, 9 * H, 17 * H) for d in range(5))  # Mon-Fri 09-17
ONE_HOUR_A_WEEK = ((0, 10 * H, 11 * H),)  # Mondays 10-11


def old_module(rev):
    """The business_time module of git revision ``rev``, as a fresh module object."""
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{rev}:escalation/business_time/"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    name = "_business_time_before"
    spec = importlib.util.spec_from_loader(name, loader=None)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    exec(compile(source, f"{rev}:escalation/business_time/", "exec"), module.__dict__)
    return module


def cases(module):
    """(name, zero-argument call) for each case, on calendars of ``module``."""
    office = module.Calendar("Europe/Berlin", OFFICE)
    weekly = module.Calendar("Europe/Berlin", ONE_HOUR_A_WEEK)
    # "Paused 1 year / 10 years": the business time of that much real time, added from creation.
    year = after_module.Calendar("Europe/Berlin", OFFICE).between(
        START, START + timedelta(days=365)
    )
    decade = after_module.Calendar("Europe/Berlin", OFFICE).between(
        START, START + timedelta(days=3652)
    )
    return [
        ("add 4 business hours", lambda: office.add(START, 4 * H)),
        ("add 5 business days (5×8 h)", lambda: office.add(START, 5 * 8 * H)),
        (
            "add 5 business days, fresh Calendar each call",
            lambda: module.Calendar("Europe/Berlin", OFFICE).add(START, 5 * 8 * H),
        ),
        ("between, 5-day span", lambda: office.between(START, START + timedelta(days=5))),
        ("add 1 year of business time", lambda: office.add(START, year)),
        ("between, 1-year span", lambda: office.between(START, START + timedelta(days=365))),
        ("add 10 years of business time", lambda: office.add(START, decade)),
        ("between, 10-year span", lambda: office.between(START, START + timedelta(days=3652))),
        ("add −10 years of business time", lambda: office.add(START, -decade)),
        ("add 2**31−1 s, Mon–Fri 09–17", lambda: office.add(START, 2**31 - 1)),
        ("add 365 days, open 1 h a week", lambda: weekly.add(START, 365 * 86400)),
    ]


def measure(call, budget):
    """Median and p99 (µs) of single calls, after a warm-up, within about ``budget`` seconds."""
    began = time.perf_counter()
    result = call()  # the answer, with cold caches
    first = time.perf_counter() - began
    began = time.perf_counter()
    call()  # warm
    warm = time.perf_counter() - began
    for _ in range(min(200, int(0.1 * budget / max(warm, 1e-9)))):
        call()
    repeats = max(5, min(20000, int(budget / max(warm, 1e-9))))
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter_ns()
        call()
        samples.append(time.perf_counter_ns() - t0)
    samples.sort()
    p99 = samples[min(len(samples) - 1, round(0.99 * (len(samples) - 1)))]
    return {
        "n": repeats,
        "median_us": samples[len(samples) // 2] / 1000,
        "p99_us": p99 / 1000,
        "first_call_us": first * 1e6,
        "result": result.isoformat() if isinstance(result, datetime) else result,
    }


def fmt(us):
    return f"{us:,.1f}" if us < 10_000 else f"{us:,.0f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=2.0, help="seconds per case and version")
    parser.add_argument("--rev", default=BEFORE_REV, help="git revision of the 'before' code")
    args = parser.parse_args()

    before_module = old_module(args.rev)
    rows = []
    for (name, before), (_, after) in zip(cases(before_module), cases(after_module), strict=True):
        old, new = measure(before, args.budget), measure(after, args.budget)
        rows.append({"case": name, "before": old, "after": new})
        print(f"  {name}: {fmt(old['median_us'])} -> {fmt(new['median_us'])} µs", flush=True)

    print()
    print("| case | before median µs | before p99 µs | after median µs | after p99 µs | same |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        old, new = row["before"], row["after"]
        same = "yes" if old["result"] == new["result"] else "no"
        print(
            f"| {row['case']} | {fmt(old['median_us'])} | {fmt(old['p99_us'])} "
            f"| {fmt(new['median_us'])} | {fmt(new['p99_us'])} | {same} |"
        )

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"business_time-{stamp}.json"
    machine = {
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "load_average": os.getloadavg(),
    }
    path.write_text(
        json.dumps(
            {"run": stamp, "before_rev": args.rev, "machine": machine, "cases": rows}, indent=2
        )
        + "\n"
    )
    print(f"\nsaved {path.relative_to(ROOT)} (load average {machine['load_average']})")


if __name__ == "__main__":
    main()
