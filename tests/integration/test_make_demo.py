"""`make demo`: one complaint through every stage on the in-process local stack, to the end, and only the
demo's own lines on the terminal (no metric documents between them)."""

from __future__ import annotations

import pytest

from ..makefile import make

pytestmark = pytest.mark.integration
STAGES = ["intake", "classification", "opd_response", "review", "reply"]


def test_make_demo_plays_a_complaint_to_the_end():
    result = make("demo", timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()[1:]  # after make's echo of the command
    assert lines[0].startswith("Complaint KT-") and "submitted" in lines[0]
    decided = [line.split()[0] for line in lines if line.startswith("  ") and " -> " in line]
    assert decided == STAGES
    assert any(line.startswith("Status: closed") for line in lines), result.stdout
    timeline = lines[lines.index("Timeline:") + 1 :][: len(STAGES)]
    assert [line.split()[0] for line in timeline] == STAGES and all(line.endswith("SLA met") for line in timeline)
    assert any(line.startswith("Emails sent (7):") for line in lines), result.stdout
    assert not [line for line in result.stdout.splitlines() if line.lstrip().startswith("{")], result.stdout
    assert "Traceback" not in result.stderr, result.stderr
