"""`make load` and `make bench`, each in a reduced form (ARGS): the full runs take minutes (`make bench` about
five, and it rewrites BENCHMARKS.md), so here the load is 4 complaints from 2 citizens, and the benchmarks
measure the AWS calls and the cost of one complaint per path (--quick --only calls,cost) into a scratch file.
"""

from __future__ import annotations

import pytest

from ..makefile import make

pytestmark = pytest.mark.e2e


def test_make_load_plays_a_small_load_on_its_own_stack():
    result = make("load", "ARGS=--citizens 2 --per-citizen 2 --staff 2", timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Load test: 4 submissions from 2 concurrent citizens" in result.stdout
    assert "lost 0, duplicated 0, errors 0" in result.stdout and "OK: nothing lost, nothing doubled." in result.stdout


def test_make_bench_measures_the_calls_and_the_cost(tmp_path):
    output = tmp_path / "BENCHMARKS.md"
    result = make("bench", f"ARGS=--quick --only calls,cost --output {output}", timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    written = output.read_text()
    assert written.startswith("# Benchmarks") and "`python -m bench.run --quick --only calls,cost`" in written
    assert "== AWS calls:" in result.stdout and "== cost:" in result.stdout
    assert "== cold start" not in result.stdout and "== flatness" not in result.stdout
