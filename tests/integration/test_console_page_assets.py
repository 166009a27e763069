"""The staff console and what it loads, over HTTP against the app (issue 21): like the citizen page it runs only
our own scripts -- the shared API client and its own script, content-hashed -- its stage data is a JSON block,
and its Content-Security-Policy says so."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.integration


def test_the_console_runs_only_its_own_files(client):
    page = client.get("/staff", headers={"Accept": "text/html"})
    assert page.status_code == 200
    html = page.body.decode()
    policy = dict(part.strip().split(" ", 1) for part in page.headers["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"  # no inline script runs
    assert policy["img-src"].startswith("'self'")  # attachments' images: our origin and the bucket's
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    scripts = re.findall(r"<script([^>]*)>", html)
    assert all('type="application/json"' in s or "src=" in s for s in scripts), scripts
    api = re.search(r'<script src="static/api\.js\?v=[0-9a-f]{12}" defer>', html)
    own = re.search(r'<script src="static/staff\.js\?v=[0-9a-f]{12}" defer>', html)
    assert api and own and api.start() < own.start()  # the client first: the console uses it
    assert '"intake"' in html  # the stages, as data


def test_both_pages_share_one_api_client(client):
    citizen = client.get("/").body.decode()
    console = client.get("/staff").body.decode()
    address = re.search(r"static/api\.js\?v=[0-9a-f]{12}", citizen).group(0)
    assert address in console
    for name in ("api.js", "staff.js"):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "text/javascript; charset=utf-8"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert b"function apiClient" in client.get("/static/api.js").body
    assert b"class ApiError" not in client.get("/static/citizen.js").body  # no copy of it left


def test_the_console_never_writes_markup(client):
    """Whatever a citizen or an officer wrote is set as text (textContent), never parsed as HTML."""
    for name in ("api.js", "staff.js"):
        script = client.get(f"/static/{name}").body.decode()
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
            assert sink not in script, (name, sink)
