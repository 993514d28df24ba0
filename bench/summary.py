"""One table of the newest benchmark figures against django-helpdesk 2.6.1 and issue 11's goals.

Reads the newest bench/results/<bench>-<UTC stamp>.json of engine_throughput,
escalation_latency, create_load and desk_pages (files with anything after the stamp, such as
`-before`, are other runs' comparisons and are left out), prints a Markdown table
(operation | django-helpdesk | Tierdesk | ratio | goal) with the date and the machine, saves
it as bench/results/summary-<UTC stamp>.md and puts it in docs/benchmarks.md as its
`## Summary` section (replaced in place, or added before the first section). A figure a run
did not measure, such as the peer's with --no-peer, is "—". Usage:
    python bench/summary.py [--no-docs]
"""

import argparse
import json
import os
import re
import sys
import textwrap
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
DOCS = ROOT / "docs" / "benchmarks.md"
BENCHES = ["engine_throughput", "escalation_latency", "create_load", "desk_pages"]
LIST_GOAL = "p95 ≤ 50 ms"


def ratio(ours, peer, higher_is_better=True):
    """How many times better Tierdesk is: ours/peer for rates, peer/ours for costs."""
    if not ours or not peer:
        return "—"
    value = ours / peer if higher_is_better else peer / ours
    return f"{value:,.0f}×" if value >= 100 else f"{value:.2f}×"


def markdown(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def fmt(value, pattern):
    return "—" if value is None else pattern.format(value)


def runs(bench):
    """[(stamp, path)] of the bench's result files, oldest first."""
    pattern = re.compile(rf"^{bench}-(\d{{8}}T\d{{6}}Z)\.json$")
    return sorted(
        (m.group(1), path)
        for path in RESULTS.glob(f"{bench}-*.json")
        if (m := pattern.match(path.name))
    )


def newest(bench):
    """(stamp, figures) of the bench's newest result file, or (None, None)."""
    found = runs(bench)
    if not found:
        return None, None
    stamp, path = found[-1]
    return stamp, json.loads(path.read_text())


def newest_per_database(bench):
    """[(stamp, figures)]: the newest run on each database (the desk pages run at 100k on
    SQLite and at 1M on PostgreSQL; both belong in the table)."""
    latest = {}
    for stamp, path in runs(bench):
        figures = json.loads(path.read_text())
        latest[(figures.get("meta") or {}).get("database")] = (stamp, figures)
    return sorted(latest.values(), key=lambda found: found[0])


def row(operation, peer, ours, pattern, goal="—", higher_is_better=True):
    better = ratio(ours, peer, higher_is_better)
    return [operation, fmt(peer, pattern), fmt(ours, pattern), better, goal]


def engine_rows(figures):
    peer = figures.get("django_helpdesk") or {}
    n = figures["args"]["tickets"]
    per_s, queries = peer.get("per_second_median"), peer.get("queries_per_ticket")
    scenarios = [
        ("a", "notify-only levels", "≥ 2,000 firings/s"),
        ("b", "levels that reassign + raise priority", "≥ 1,000 firings/s"),
    ]
    rows = []
    for key, what, goal in scenarios:
        ours = figures.get(key) or {}
        label = f"escalation burst of {n:,}, {what}: per second (peer: escalate_tickets)"
        rows.append(row(label, per_s, ours.get("firings_per_second_median"), "{:,.0f}", goal))
    for key, what, _goal in scenarios:
        ours = figures.get(key) or {}
        rows.append(
            row(
                f"queries per escalated ticket, {what}",
                queries,
                ours.get("queries_per_firing_median"),
                "{:.2f}",
                "constant per batch",
                higher_is_better=False,
            )
        )
    return rows


def latency_rows(figures):
    sqlite = next((s for s in figures if s.get("setup") == "sqlite"), None)
    if not sqlite:
        return []
    moving = sqlite.get("moving") or {}
    return [
        row(
            "escalation level lateness p95, s (qcluster, SQLite)",
            None,
            sqlite["levels"]["p95"],
            "{:.3f}",
            higher_is_better=False,
        ),
        row(
            f"{sqlite['burst']:,} notify levels due on one second: drained in s",
            None,
            sqlite.get("drain_seconds"),
            "{:.2f}",
            higher_is_better=False,
        ),
        row(
            f"{moving.get('burst', 0):,} reassign + P1 levels due on one second: drained in s",
            None,
            moving.get("drain_seconds"),
            "{:.2f}",
            "≤ 2 s, delivery rows written",
            higher_is_better=False,
        ),
    ]


def create_rows(figures):
    ours, peer = figures["tierdesk"], figures.get("django_helpdesk") or {}
    connections = figures["meta"]["args"]["connections"]
    cases = [
        ("API creates/s in-process", "inprocess_per_second", "{:.1f}", "≥ 5× django-helpdesk", 1),
        ("queries per create", "queries_per_create", "{:.0f}", "≤ 15", 0),
        (f"API creates/s served ({connections} connections)", "served_per_second", "{:.1f}",
         "≥ 5× django-helpdesk", 1),
        ("served p95 latency, ms", "served_p95_ms", "{:.1f}", "—", 0),
        ("server peak RSS, MB (master + workers)", "peak_rss_mb", "{:.0f}", "—", 0),
    ]  # fmt: skip
    return [
        row(label, peer.get(key), ours.get(key), pattern, goal, bool(higher))
        for label, key, pattern, goal, higher in cases
    ]


def page_rows(figures):
    sys.path.insert(0, str(ROOT))
    from bench.desk_pages import AGENT, PAGES

    peer = {p["operation"]: p for p in (figures.get("django_helpdesk") or {}).get("pages", [])}
    pages = {operation: (user, peer_op) for operation, user, _url, peer_op in PAGES}
    where = f"{figures['tierdesk']['tickets']:,} tickets, {figures['meta']['database']}"
    rows = []
    for ours in figures["tierdesk"]["pages"]:
        operation = ours["operation"]
        user, peer_op = pages.get(operation, (None, None))
        theirs = peer.get(peer_op, {}).get("p95")
        # Issue 11's goal is for an agent's list and its filters, not a supervisor's or a ticket.
        goal = LIST_GOAL if user == AGENT and "workspace" not in operation else "—"
        label = f"{operation}: p95 ms ({where}, {ours['queries']} queries)"
        rows.append(row(label, theirs, ours["p95"], "{:,.1f}", goal, higher_is_better=False))
    return rows


ROWS = {
    "engine_throughput": engine_rows,
    "escalation_latency": latency_rows,
    "create_load": create_rows,
    "desk_pages": page_rows,
}


def machine():
    info = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = re.search(r"^model name\s*:\s*(.+)$", info, re.M)
    mem = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    kib = re.search(r"^MemTotal:\s*(\d+) kB", mem, re.M)
    ram = f"{int(kib.group(1)) / 1024**2:.1f} GiB RAM" if kib else "RAM unknown"
    cpu = model.group(1).strip() if model else "CPU model unknown"
    return f"{os.cpu_count()} CPUs ({cpu}), {ram}"


def summary(now):
    rows, sources = [], []
    for bench in BENCHES:
        found = newest_per_database(bench) if bench == "desk_pages" else [newest(bench)]
        found = [(stamp, figures) for stamp, figures in found if figures is not None]
        if not found:
            sources.append(f"{bench}: no results")
        for stamp, figures in found:
            rows += ROWS[bench](figures)
            sources.append(f"`{bench}-{stamp}.json`")
    header = ["operation", "django-helpdesk 2.6.1", "Tierdesk", "ratio", "goal (issue 11)"]
    intro = (
        f"Summed up {now:%Y-%m-%d %H:%M} UTC on {machine()}, from the newest run of each "
        "benchmark (files below). Ratio: how many times better Tierdesk is (rates: Tierdesk / "
        "peer; times and costs: peer / Tierdesk). A bench that measures the peer does so in the "
        "same run as Tierdesk; the machine is shared, so the ratios say more than the absolute "
        "figures."
    )
    sources = "From " + ", ".join(sources) + " in bench/results/."
    return "\n\n".join(
        [textwrap.fill(intro, 96), markdown(header, rows), textwrap.fill(sources, 96)]
    )


def replace_section(text, section):
    """`text` with its `## Summary` section replaced by `section`, or added before the first
    section (so the introduction under the title stays where it is)."""
    block = f"## Summary\n\n{section}\n\n"
    match = re.search(r"^## Summary\n.*?(?=^## |\Z)", text, re.M | re.S)
    if match:
        return text[: match.start()] + block + text[match.end() :]
    first = re.search(r"^## ", text, re.M)
    at = first.start() if first else len(text)
    return text[:at] + block + text[at:]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-docs", action="store_true", help="leave docs/benchmarks.md alone")
    args = parser.parse_args()
    now = datetime.now(UTC)
    section = summary(now)
    print(section)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"summary-{now:%Y%m%dT%H%M%SZ}.md"
    out.write_text(section + "\n")
    print(f"saved {out.relative_to(ROOT)}")
    if not args.no_docs:
        DOCS.write_text(replace_section(DOCS.read_text(), section))
        print(f"updated the Summary section of {DOCS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
