"""The layers of chalicelib hold: import-linter's contracts (pyproject.toml, [tool.importlinter]) are kept.

Run as `lint-imports`, the pinned tool's own command beside this interpreter; a broken contract fails the test
with the import chains that break it.
"""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_import_contracts_are_kept():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"lint-imports found broken contracts:\n{result.stdout}{result.stderr}"
