"""Every `make` target the README names is run by a test; this module checks the Makefile's side.

The targets that run tests are checked by their recipes (they are how the suite itself is run); each other
target is run by the test module RUN_BY names (tests/makefile.py runs a target as `make` would).
"""

from __future__ import annotations

import re

from local import launch

from ..makefile import ROOT, readme_targets, recipe

# Where each target is run. `make run` is what every end-to-end test starts (local/launch.py).
RUN_BY = {
    "run": "local/launch.py",
    "demo": "tests/integration/test_make_demo.py",
    "synth": "tests/infra/test_make_synth.py",
    "monthly-report": "tests/e2e/test_monthly_report_local.py",
    "load": "tests/e2e/test_make_load_and_bench.py",
    "bench": "tests/e2e/test_make_load_and_bench.py",
    "whatsapp": "tests/e2e/test_whatsapp_local.py",
}
SUITES = {"unit", "integration", "e2e", "infra"}  # each runs its own directory of tests
TARGETS_THAT_TEST = SUITES | {"test"}


def test_the_readme_names_only_targets_that_exist_and_each_is_run_by_a_test():
    named = readme_targets()
    assert {"run", "test"} <= named, named
    phony = re.search(r"^\.PHONY:(.*)$", (ROOT / "Makefile").read_text(), re.M)
    assert phony and named <= set(phony.group(1).split()), named
    assert named - TARGETS_THAT_TEST <= set(RUN_BY), named - TARGETS_THAT_TEST - set(RUN_BY)
    for target, module in RUN_BY.items():
        if target != "run":  # below
            assert f'"{target}"' in (ROOT / module).read_text(), f"{module} does not run make {target}"


def test_make_run_is_what_the_end_to_end_tests_start():
    assert recipe("run") == [f"python -m {launch.STACK_MODULE}"]


def test_each_suite_runs_its_directory_and_make_test_runs_every_directory_of_tests():
    for suite in SUITES:
        (command,) = recipe(suite)
        assert command.startswith("python -m pytest") and command.endswith(f" tests/{suite}"), command
    ran = {word for command in recipe("test") for word in command.split() if word.startswith("tests/")}
    with_tests = {f"tests/{path.parent.name}" for path in (ROOT / "tests").glob("*/test_*.py")}
    assert ran == with_tests == {f"tests/{suite}" for suite in SUITES}
    assert not list((ROOT / "tests").glob("test_*.py")), "a test module outside the four directories never runs"
