"""Redocly CLI lints the OpenAPI schema clean, bar the waivers listed in redocly.yaml."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[3]
# The same pinned version `make lint-api` runs.
REDOCLY = os.environ.get("REDOCLY", "npx --yes @redocly/cli@2.77.0").split()


@pytest.mark.skipif(
    shutil.which(REDOCLY[0]) is None, reason=f"{REDOCLY[0]} is not installed (Node.js/npm)"
)
def test_redocly_finds_no_error(tmp_path):
    schema = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(schema))
    lint = subprocess.run(
        [*REDOCLY, "lint", str(schema), "--config", str(ROOT / "redocly.yaml")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
