"""The map library and its clustering plugin are vendored from npm at the pinned versions (`make vendor`),
served from our own origin."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
VENDOR = ROOT / "chalicelib" / "static" / "vendor" / "leaflet"
CLUSTER = ROOT / "chalicelib" / "static" / "vendor" / "leaflet.markercluster"
# leaflet.markercluster's minified file carries no version banner: its SHA-256 at the pinned version (npm's
# dist/leaflet.markercluster.js of 1.5.3) says it is that release, unchanged.
CLUSTER_SHA256 = {"1.5.3": "1e4e1d22972a3926f48598e0caf14e3fe7049835d428a344fed4f9e3665b3508"}


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


def test_the_vendored_marker_clusters_are_the_pinned_version():
    """The public register's map groups complaints with leaflet.markercluster (MIT, its licence beside it)."""
    pinned = json.loads((ROOT / "package.json").read_text())["dependencies"]["leaflet.markercluster"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", pinned), "pin an exact version, not a range"
    locked = json.loads((ROOT / "package-lock.json").read_text())["packages"]["node_modules/leaflet.markercluster"]
    assert locked["version"] == pinned and locked["integrity"].startswith("sha512-")
    script = (CLUSTER / "leaflet.markercluster.js").read_bytes()
    assert hashlib.sha256(script).hexdigest() == CLUSTER_SHA256[pinned]
    npm = ROOT / "node_modules" / "leaflet.markercluster" / "dist"
    if npm.exists():
        for name in ("leaflet.markercluster.js", "MarkerCluster.css", "MarkerCluster.Default.css"):
            assert (CLUSTER / name).read_bytes() == (npm / name).read_bytes(), name
    assert (CLUSTER / "MIT-LICENCE.txt").read_text().startswith("Copyright 2012 David Leaver")


def test_the_makefile_refreshes_it_from_npm():
    makefile = (ROOT / "Makefile").read_text()
    target = makefile.split("\nvendor:", 1)[1].split("\n\n", 1)[0]
    assert "npm ci" in target and "node_modules/leaflet/dist/leaflet.js" in target
    assert "node_modules/leaflet.markercluster/dist/leaflet.markercluster.js" in target


def test_the_pages_load_no_library_from_another_origin():
    pages = ROOT / "chalicelib" / "templates" / "pages"
    for path in [*pages.glob("*.html"), *(ROOT / "chalicelib" / "static").glob("*.js")]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script[^>]+src=\"https?:", text), path
        assert "unpkg.com" not in text and "cdn" not in text.lower(), path


@pytest.mark.parametrize("name", ["citizen.js", "public.js"])
def test_the_pages_scripts_never_write_markup(name):
    """Whatever a citizen or an officer wrote is set as text (textContent), never parsed as HTML; the public
    register's map gets its markers and popups as elements, never as markup strings."""
    script = (ROOT / "chalicelib" / "static" / name).read_text(encoding="utf-8")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "setContent(", "html: `", 'html: "'):
        assert sink not in script, sink
