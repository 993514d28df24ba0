"""bench/flood.py's verdicts and its table: whether a step holds the goals of issue 29 or
degrades gracefully, and the report of every step (bench/flood_floor.py's too)."""

import json
import statistics
from datetime import UTC, datetime

GOALS = {"create_p95_ms": 250, "list_p95_ms": 150, "lateness_p99_s": 1.0}


def pick(ordered, q):
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def latency(found):
    ok = sorted(found["ok_ms"])
    return {
        "n": len(found["ms"]),
        "ok": len(ok),
        "p50_ms": statistics.median(ok) if ok else None,
        "p95_ms": pick(ok, 0.95) if ok else None,
        "statuses": found["statuses"],
    }


def step_figures(system, rate, round_, seconds, raw, client):
    """A step's figures from flood.offer()'s results: creates/s (its 201s) and each kind's
    latency, as the verdict and the report read them."""
    kinds = {kind: latency(found) for kind, found in raw.items()}
    return {
        "system": system,
        "rate": rate,
        "round": round_,
        "creates_per_second": kinds["create"]["statuses"].get("201", 0) / seconds,
        **kinds,
        "client": client,
    }


def failures(step):
    """Statuses other than success, and whether each is a 503 with Retry-After (a shed)."""
    bad, shed = 0, 0
    for kind in ("create", "list"):
        for label, n in step.get(kind, {}).get("statuses", {}).items():
            if label not in ("200", "201"):
                bad += n
                shed += n if label == "503+Retry-After" else 0
    return bad, shed


def verdict(step):
    bad, shed = failures(step)
    create_p95 = step["create"]["p95_ms"]
    web_ok = (
        bad == 0
        and create_p95 is not None
        and create_p95 <= GOALS["create_p95_ms"]
        and (
            "list" not in step
            or (step["list"]["p95_ms"] is not None)
            and step["list"]["p95_ms"] <= GOALS["list_p95_ms"]
        )
    )
    if step["system"] != "tierdesk":
        return {"holds": web_ok, "graceful": bad == shed}
    late = step["lateness"].get("p99")
    ladder = (
        late is not None
        and late <= GOALS["lateness_p99_s"]
        and step["levels_missed"] == 0
        and step["levels_escalated_twice"] == 0
        and step["levels_notified_twice"] == 0
    )
    no_double = step["tickets_created_twice"] == 0 and step["tickets_beyond_201s"] == 0
    return {
        "holds": web_ok and ladder and no_double,
        "graceful": ladder and no_double and bad == shed,
    }


def fmt(value, spec):
    return "—" if value is None else format(value, spec)


def report(steps):
    lines = [
        "| system | rate/s | creates/s | create p50 / p95 ms | list p50 / p95 ms | "
        "lateness p50 / p99 / max s | level mail sent, p50 / p99 s after due | duplicates | "
        "statuses (non-2xx) | holds | sheds only | CPU cores: web / qclusters / PostgreSQL |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for step in steps:
        c, li = step["create"], step.get("list")
        other = {}
        for kind in ("create", "list"):
            for label, n in step.get(kind, {}).get("statuses", {}).items():
                if label not in ("200", "201"):
                    other[label] = other.get(label, 0) + n
        if step["system"] == "tierdesk":
            late = step["lateness"]
            lateness = " / ".join(fmt(late.get(q), ".2f") for q in ("p50", "p99", "max"))
            dup = (
                step["levels_escalated_twice"]
                + step["levels_notified_twice"]
                + step["tickets_created_twice"]
                + step["tickets_beyond_201s"]
            )
            if step["levels_missed"]:
                lateness += f" ({step['levels_missed']} missed)"
            mail = mail_cell(step.get("level_mail"))
        else:
            lateness, dup, mail = "—", "—", "—"
        listed = f"{fmt(li['p50_ms'], '.0f')} / {fmt(li['p95_ms'], '.0f')}" if li else "—"
        v = step["verdict"]
        lines.append(
            f"| {step['system']} | {step['rate']} | {step['creates_per_second']:.1f} | "
            f"{fmt(c['p50_ms'], '.0f')} / {fmt(c['p95_ms'], '.0f')} | {listed} | {lateness} | "
            f"{mail} | {dup} | {json.dumps(other) if other else '0'} | "
            f"{'yes' if v['holds'] else 'no'} | {'yes' if v['graceful'] else 'no'} | "
            f"{cpu_cell(step.get('cpu_cores'))} |"
        )
    return "\n".join(lines)


def cpu_cell(busy):
    """The cores the stack's processes kept busy while the load was offered."""
    if not busy:
        return "—"
    return " / ".join(fmt(busy.get(name), ".2f") for name in ("web", "qclusters", "postgresql"))


def mail_cell(mail):
    """The planted levels' mails: sent of written, and when after their level's due time."""
    if not mail:
        return "—"
    after = mail["after_due"]
    when = " / ".join(fmt(after.get(q), ".2f") for q in ("p50", "p99"))
    return f"{mail['sent']} of {mail['rows']}, {when}"


def highest(steps, system):
    held = [s["rate"] for s in steps if s["system"] == system and s["verdict"]["holds"]]
    return max(held) if held else None


def conclude(steps, meta, system, label, name, results):
    """Print the table and the highest rate that holds for `system` (called `label`) and the
    peer; save both as results/<name>-<stamp>.json and .md."""
    ours, theirs = highest(steps, system), highest(steps, "django_helpdesk")
    table = report(steps) + (
        f"\n\nHighest rate that holds: {label} {ours or '—'}/s, "
        f"django-helpdesk {theirs or '—'}/s"
        + (f" ({ours / theirs:.1f}×)" if ours and theirs else "")
        + "\n"
    )
    print(table)
    results.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    out = {"meta": meta, "steps": steps, "highest": {system: ours, "django_helpdesk": theirs}}
    (results / f"{name}-{stamp}.json").write_text(json.dumps(out, indent=2))
    (results / f"{name}-{stamp}.md").write_text(table)
