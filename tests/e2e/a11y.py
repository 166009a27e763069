"""What every page test checks of a page people use: axe-core finds nothing at any impact (DESIGN.md §4
"Pages people use"), at the two screen sizes every flow is walked at, so the tests and their screenshots
agree. The first-load weight budget is measured by bench/pages.py."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe

from bench.pages import PHONE  # the phone size the page weights are measured at

DESKTOP = {"width": 1366, "height": 768}
SIZES = {"phone": PHONE, "desktop": DESKTOP}


_AXE = Axe()


def violations(page) -> list[str]:
    """axe-core's violations on the page as it is now, of any impact, one readable line each."""
    results = _AXE.run(page, options={"resultTypes": ["violations"]})
    found = []
    for violation in results.response.get("violations", []):
        targets = [" ".join(node.get("target", [])) for node in violation.get("nodes", [])][:5]
        found.append(f"{violation['id']} ({violation.get('impact')}): {violation.get('help')} -> {targets}")
    return found


def assert_accessible(page, state: str) -> None:
    """No axe-core violation of any impact in this page state (``state`` names it in the failure)."""
    found = violations(page)
    assert not found, f"axe-core in state {state!r}:\n" + "\n".join(found)
