"""The Makefile's targets, run or read by the tests (each target the README names is run by one).

``make`` runs the recipe itself, with this interpreter as the Makefile's ``PY`` and its venv stamp taken as
made (the tests already run inside an installed environment): what `make <target>` does, minus the install.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
STAMP = ".venv/.installed"  # the Makefile's $(STAMP): never remade here


def make(
    target: str,
    *assignments: str,
    env: dict[str, str] | None = None,
    timeout: float = 600,
    input: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run `make <target> [NAME=value ...]` in the repository; its output is captured (``input``: its stdin)."""
    return subprocess.run(
        ["make", "--no-print-directory", "-o", STAMP, f"PY={sys.executable}", target, *assignments],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        input=input,
    )


def recipe(target: str) -> list[str]:
    """The commands `make <target>` runs (`make -n`), ``$(PY)`` written as ``python``; the prerequisites'
    own commands (the Chromium check) left out."""
    result = subprocess.run(
        ["make", "--no-print-directory", "-n", "-o", STAMP, "-o", "chromium", "PY=python", target],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [line for line in result.stdout.splitlines() if line.strip()]


def readme_targets() -> set[str]:
    """Every `make <target>` the README (and docs/) names: quoted, or a command at the start of a line."""
    text = "\n".join(path.read_text() for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])
    return set(re.findall(r"(?:`|^)make ([a-z][a-z0-9-]*)", text, re.M))
