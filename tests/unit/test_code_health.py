"""ruff (lint + format) and mypy find nothing anywhere in the repository: the Lambda code (app.py,
chalicelib/), the local stack (local/), the benchmarks (bench/), the CDK app (infra/) and the tests.

Run as subprocesses of this interpreter, so the pinned tools of requirements-dev.txt and the configuration in
pyproject.toml are what is checked; a finding fails the test with the tool's own output.
"""

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TARGETS = ["app.py", "chalicelib", "local", "bench", "infra", "tests"]  # mypy's `files` in pyproject.toml too


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["ruff", "check", "--no-fix", "--output-format", "concise", *TARGETS], id="ruff-check"),
        pytest.param(["ruff", "format", "--check", "--diff", *TARGETS], id="ruff-format"),
        # The mypy cache (.mypy_cache/) keeps a rerun at a few seconds.
        pytest.param(["mypy"], id="mypy"),  # its `files` (pyproject.toml): the same directories
    ],
)
def test_tool_finds_nothing(command):
    result = _run(*command)
    assert result.returncode == 0, f"{' '.join(command)} found problems:\n{result.stdout}{result.stderr}"


def test_mypy_checks_what_ruff_checks():
    mypy = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    assert sorted(mypy["files"]) == sorted(TARGETS)
