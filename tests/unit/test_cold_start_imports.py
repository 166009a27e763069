"""A cold start imports only what every request needs (docs/performance.md, BENCHMARKS.md "Cold start").

Deterministic where timings are not: a fresh interpreter imports the Lambda handler module, and the
heavy libraries only some requests use must not be loaded yet. If one comes back, find the module-level
import that brought it (``python -X importtime -c "import app"``) and move it into the function that uses it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]
ON_USE_ONLY = (
    "pydantic",
    "jinja2",
    "holidays",
    "jwt",
    "requests",
    "aws_lambda_powertools.utilities.batch",
    "openpyxl",
    "PIL",
    "phonenumbers",
)  # PIL: only the uploads consumer cleans photos (domain/images.py); phonenumbers: only a phone being read


def test_importing_the_handler_leaves_the_heavy_libraries_for_later():
    probe = f"import json, sys, app; print(json.dumps([m for m in {ON_USE_ONLY!r} if m in sys.modules]))"
    env = {**os.environ, "AWS_DEFAULT_REGION": "ap-southeast-3"}
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def test_the_probe_sees_a_library_that_is_imported():
    """The check above can fail: the same probe names a library the module does import."""
    probe = "import json, sys, app, pydantic; print(json.dumps([m for m in ('pydantic',) if m in sys.modules]))"
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "AWS_DEFAULT_REGION": "ap-southeast-3"},
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == ["pydantic"]
