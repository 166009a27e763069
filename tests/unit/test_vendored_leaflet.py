"""The map library is vendored from npm at the pinned version (`make vendor`), served from our own origin."""

from __future__ import annotations

import json
import re
from pathlib import Path

ROOT = Path(__file__).parents[2]
VENDOR = ROOT / "chalicelib" / "static" / "vendor" / "leaflet"


def test_the_vendored_leaflet_is_the_pinned_version():
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]["leaflet"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned), "pin an exact version, not a range"
    locked = json.loads((ROOT / "package-lock.json").read_text())["packages"]["node_modules/leaflet"]
    assert locked["version"] == pinned and locked["integrity"].startswith("sha512-")
    banner = (VENDOR / "leaflet.js").read_text(encoding="utf-8")[:300]
    assert re.search(r"\* Leaflet (\S+), a JS library", banner).group(1) == pinned
    npm = ROOT / "node_modules" / "leaflet" / "dist"
    if npm.exists():  # after `make vendor` (node_modules is not committed): the copies are npm's files
        for name in ("leaflet.js", "leaflet.css"):
            assert (VENDOR / name).read_bytes() == (npm / name).read_bytes(), name
    assert (VENDOR / "LICENSE").read_text().startswith("BSD 2-Clause License")


def test_the_makefile_refreshes_it_from_npm():
    makefile = (ROOT / "Makefile").read_text()
    target = makefile.split("\nvendor:", 1)[1].split("\n\n", 1)[0]
    assert "npm ci" in target and "node_modules/leaflet/dist/leaflet.js" in target


def test_the_pages_load_no_library_from_another_origin():
    pages = ROOT / "chalicelib" / "templates" / "pages"
    for path in [*pages.glob("*.html"), ROOT / "chalicelib" / "static" / "citizen.js"]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]+src=\"https?:", text), path
        assert "unpkg.com" not in text and "cdn" not in text.lower(), path


def test_the_citizen_script_never_writes_markup():
    """Whatever a citizen or an officer wrote is set as text (textContent), never parsed as HTML."""
    script = (ROOT / "chalicelib" / "static" / "citizen.js").read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write"):
        assert sink not in script, sink
