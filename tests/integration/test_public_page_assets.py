"""The public register's page and what it loads, over HTTP against the app (issue 22): like the citizen page
it runs only our own scripts (its script, the API client, the vendored map library and its clusters, from our
origin at content-hashed addresses cached for good), shows tiles from TILE_URL's origin only, and carries its
settings as a JSON block, never an inline script. No login; Indonesian unless ?lang=en."""

from __future__ import annotations

import json
import re

import pytest

pytestmark = pytest.mark.integration

CLUSTER = "vendor/leaflet.markercluster"


@pytest.fixture
def stack_env():
    return {"TILE_URL": "https://{s}.tiles.example.id/osm/{z}/{x}/{y}.png", "TILE_ATTRIBUTION": "© Peta <Kaltim>"}


def config_of(html: str) -> dict:
    block = re.search(r'<script type="application/json" id="config">(.*?)</script>', html, re.S).group(1)
    return json.loads(block)


def test_the_page_is_served_to_anyone_with_a_strict_policy(client):
    page = client.get("/public", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    html = page.body.decode()
    policy = dict(part.strip().split(" ", 1) for part in page.headers["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"
    assert policy["img-src"] == "'self' https://*.tiles.example.id"
    assert policy["connect-src"] == "'self'"  # the register uploads nothing: only our API
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    assert policy["base-uri"] == "'none'"
    scripts = re.findall(r"<script([^>]*)>", html)
    assert all('type="application/json"' in s or "src=" in s for s in scripts), scripts
    assert re.search(r'<script src="static/api\.js\?v=[0-9a-f]{12}" defer>', html)
    assert re.search(r'<script src="static/public\.js\?v=[0-9a-f]{12}" defer>', html)
    assert '<html lang="id">' in html and "innerHTML" not in html
    config = config_of(html)
    assert config["tile_url"] == "https://{s}.tiles.example.id/osm/{z}/{x}/{y}.png"
    assert "\\u00a9 Peta \\u003cKaltim>" in html  # inside the JSON block nothing closes the element
    assert re.fullmatch(rf"static/{CLUSTER}/leaflet\.markercluster\.js\?v=[0-9a-f]{{12}}", config["cluster_js"])
    assert len(config["cluster_css"]) == 2
    # The register's parts, and its way back to reporting.
    for part in ('id="search-form"', 'id="map"', 'id="case-view"', 'id="scores-table"', 'id="data-csv"'):
        assert part in html, part
    assert 'href="./" id="to-report"' in html


def test_english_on_asking(client):
    assert '<html lang="en">' in client.get("/public?lang=en").body.decode()
    assert '<html lang="id">' in client.get("/public?lang=xx").body.decode()


def test_the_citizen_page_links_to_the_register(client):
    html = client.get("/").body.decode()
    assert re.search(r'<a href="public" id="to-public"[^>]*>Lihat pengaduan publik</a>', html)


def test_every_file_it_loads_is_served_with_its_type_and_cache(client):
    html = client.get("/public").body.decode()
    config = config_of(html)
    addresses = [
        re.search(r"static/api\.js\?v=[0-9a-f]{12}", html).group(0),
        re.search(r"static/public\.js\?v=[0-9a-f]{12}", html).group(0),
        config["leaflet_js"],
        config["leaflet_css"],
        config["cluster_js"],
        *config["cluster_css"],
    ]
    for address in addresses:
        name = address.split("?")[0].removeprefix("static/")
        kind = "text/css" if name.endswith(".css") else "text/javascript"
        response = client.get("/" + address)
        assert response.status_code == 200, name
        assert response.headers["Content-Type"] == f"{kind}; charset=utf-8"
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert client.get(f"/static/{name}?v=000000000000").headers["Cache-Control"] == "public, max-age=3600"
    assert b"L.MarkerClusterGroup" in client.get("/" + config["cluster_js"]).body[:400]
    assert b"use strict" in client.get("/static/public.js").body[:2000]


@pytest.mark.parametrize(
    "path",
    [
        "/static/vendor/leaflet.markercluster/MIT-LICENCE.txt",
        "/static/vendor/leaflet.markercluster/leaflet.markercluster.js.map",
        "/static/vendor/leaflet.markercluster/..%2F..%2Fpublic.js",
    ],
)
def test_nothing_else_is_served(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/problem+json"
