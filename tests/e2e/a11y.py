"""What every page test checks of a page people use: axe-core finds nothing at any impact, and the first load
stays within the weight budget (DESIGN.md §4 "Pages people use": at most 100 KiB of JavaScript and 1.4 MiB in
all, gzip, on a page's first load; map tiles excluded).

The two screen sizes every flow is walked at are here too, so the tests and their screenshots agree.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from dataclasses import dataclass, field

from axe_playwright_python.sync_playwright import Axe

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 768}
SIZES = {"phone": PHONE, "desktop": DESKTOP}

JS_BUDGET = 100 * 1024  # bytes, gzip
TOTAL_BUDGET = int(1.4 * 1024 * 1024)  # bytes, gzip

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


@dataclass
class Weight:
    """What a page's first load fetched, gzip-compressed as a server would send it."""

    scripts: int = 0
    total: int = 0
    files: list[tuple[str, str, int]] = field(default_factory=list)  # (resource type, url, gzip bytes)

    def line(self, name: str) -> str:
        return f"{name}: JavaScript {self.scripts / 1024:.1f} KiB, all {self.total / 1024:.1f} KiB (gzip)"


def first_load_weight(page, url: str, is_tile: Callable[[str], bool] = lambda url: False) -> Weight:
    """Load ``url`` in a fresh ``page`` and add up every response of Chromium's network log, each body
    gzip-compressed (the local server sends them plain; API Gateway and CloudFront compress). Map tiles
    (``is_tile``) are left out: they depend on the tile server, not on us."""
    weight = Weight()
    responses: list = []
    page.on("response", lambda response: responses.append(response))  # a bound builtin cannot be a handler
    page.goto(url, wait_until="networkidle")
    for response in responses:
        if is_tile(response.url) or response.status in (204, 304) or 300 <= response.status < 400:
            continue
        try:
            body = response.body()
        except Exception:  # a response without a body to read (a redirect, an aborted request)
            continue
        size = len(gzip.compress(body, 9))
        kind = response.request.resource_type
        weight.files.append((kind, response.url, size))
        weight.total += size
        if kind == "script" or response.url.split("?")[0].endswith(".js"):
            weight.scripts += size
    return weight
