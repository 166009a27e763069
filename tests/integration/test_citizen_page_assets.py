"""The citizen page and what it loads, over HTTP against the app (issue 20): the page runs only our own
scripts (its script and the vendored map library, from our origin with a content-hashed address cached for
good), shows map tiles from TILE_URL's origin only, and says so in its Content-Security-Policy."""

from __future__ import annotations

import re

import pytest

from chalicelib.config import ConfigError, Settings, tile_origin

pytestmark = pytest.mark.integration


@pytest.fixture
def stack_env():
    return {"TILE_URL": "https://{s}.tiles.example.id/osm/{z}/{x}/{y}.png", "TILE_ATTRIBUTION": "© Peta <Kaltim>"}


def test_the_page_names_its_files_by_content_and_allows_only_what_it_needs(client):
    page = client.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 200
    html = page.body.decode()
    policy = dict(part.strip().split(" ", 1) for part in page.headers["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"  # no inline script runs: the page's data is a JSON block
    assert policy["img-src"] == "'self' https://*.tiles.example.id"
    assert policy["connect-src"].startswith("'self'")
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    scripts = re.findall(r"<script([^>]*)>", html)
    assert all('type="application/json"' in s or "src=" in s for s in scripts), scripts
    assert re.search(r'<script src="static/citizen\.js\?v=[0-9a-f]{12}" defer>', html)
    assert "https://{s}.tiles.example.id/osm/{z}/{x}/{y}.png" in html
    assert "\\u00a9 Peta \\u003cKaltim>" in html  # inside the JSON block nothing closes the element
    assert "innerHTML" not in html


def test_the_script_and_the_map_library_are_served_with_their_types_and_cache(client):
    html = client.get("/").body.decode()
    for name, kind in (
        ("citizen.js", "text/javascript"),
        ("vendor/leaflet/leaflet.js", "text/javascript"),
        ("vendor/leaflet/leaflet.css", "text/css"),
    ):
        address = re.search(rf"static/{re.escape(name)}\?v=[0-9a-f]{{12}}", html).group(0)
        response = client.get("/" + address)
        assert response.status_code == 200, name
        assert response.headers["Content-Type"] == f"{kind}; charset=utf-8"
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        # An address without the content's hash (or with an old one) is cached an hour only.
        assert client.get(f"/static/{name}?v=000000000000").headers["Cache-Control"] == "public, max-age=3600"
    assert b"Leaflet 1.9.4" in client.get("/static/vendor/leaflet/leaflet.js").body[:200]


@pytest.mark.parametrize("path", ["/static/nothing.js", "/static/vendor/leaflet/LICENSE", "/static/..%2Fconfig.py"])
def test_nothing_else_is_served(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"


def test_tile_url_is_checked_at_start():
    assert Settings.from_env({}).tile_url == "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    assert tile_origin(Settings.from_env({}).tile_url) == "https://tile.openstreetmap.org"
    for wrong in (
        "tile.openstreetmap.org/{z}/{x}/{y}.png",
        "https://tiles.example.id/{z}/{x}.png",
        "ftp://a/{z}/{x}/{y}",
    ):
        with pytest.raises(ConfigError, match="TILE_URL"):
            Settings.from_env({"TILE_URL": wrong})
