"""What the page benchmarks share around their measurements: the environment of the measuring
child process, the Markdown table of results, and saving them under bench/results/."""

import json
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"


def child_env(environ, url, root=ROOT):
    """The environment of a measuring child: the database at `url`, no Redis, no debug."""
    env = {k: v for k, v in environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        SECRET_KEY="bench",
        DEBUG="false",
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="helpdesk.settings",
        PYTHONPATH=str(root),
        LOG_LEVEL="WARNING",
        ALLOWED_HOSTS="localhost",
    )
    return env


def markdown(title, header, rows):
    """A title line, then a Markdown table of `header` (column names) and `rows` (cells)."""
    lines = [title, "", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def save(name, data, table):
    """bench/results/<name>-<stamp>.json and .md; returns the stamp."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"{name}-{stamp}.json").write_text(json.dumps(data, indent=2, default=str))
    (RESULTS / f"{name}-{stamp}.md").write_text(table + "\n")
    return stamp
