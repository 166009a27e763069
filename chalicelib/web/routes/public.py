"""What anyone may open without signing in: the citizens' page, the public register's page (/public), their
scripts and the map libraries (served from our own origin, never a CDN), the categories they offer and the
status check of a tracking number."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from urllib.parse import unquote

from chalice import Blueprint, Response

from ...config import tile_origin
from ...domain import catalog, sop
from ...domain.errors import NotFound
from ...rendering import render_page
from ...service import status_check
from ..auth import client_address
from ..http import api, json_response, page, params, script_json
from ..process import services

bp = Blueprint(__name__)

STATIC = Path(__file__).parents[2] / "static"
# The files the pages load, by the address they are loaded from (nothing else under static/ is served).
ASSETS = {
    "api.js": STATIC / "api.js",  # the API client both pages load first
    "citizen.js": STATIC / "citizen.js",
    "public.js": STATIC / "public.js",  # the public register's page
    "staff.js": STATIC / "staff.js",
    "vendor/leaflet/leaflet.js": STATIC / "vendor" / "leaflet" / "leaflet.js",
    "vendor/leaflet/leaflet.css": STATIC / "vendor" / "leaflet" / "leaflet.css",
    # the register's map groups nearby complaints into clusters
    **{
        f"vendor/leaflet.markercluster/{name}": STATIC / "vendor" / "leaflet.markercluster" / name
        for name in ("leaflet.markercluster.js", "MarkerCluster.css", "MarkerCluster.Default.css")
    },
}
CONTENT_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
# An address that names the file's content (?v=<hash>) never changes: cached for a year. Without it, an hour.
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=3600"


@cache
def _asset(name: str) -> tuple[bytes, str]:
    body = ASSETS[name].read_bytes()
    return body, hashlib.sha256(body).hexdigest()[:12]


def asset_url(name: str) -> str:
    """The address of a static file, relative to the page, with its content's hash (cached for good)."""
    return f"static/{name}?v={_asset(name)[1]}"


def _page_policy(origins: str = "") -> str:
    """The citizen page (and the register's) runs only our own scripts (no inline script), shows tiles from
    TILE_URL's origin, and talks to our API and, for attachments, the bucket."""
    settings = services().settings
    return (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' {tile_origin(settings.tile_url)}; connect-src 'self'{origins}; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )


@bp.route("/", methods=["GET"])
@api
def index():
    lang = params().get("lang", "id")
    settings = services().settings
    stages = {s.name: {"id": s.label_id, "en": s.label_en} for s in sop.STAGES}
    config = {
        "stages": stages,
        "tile_url": settings.tile_url,
        "tile_attribution": settings.tile_attribution,
        "leaflet_js": asset_url("vendor/leaflet/leaflet.js"),
        "leaflet_css": asset_url("vendor/leaflet/leaflet.css"),
    }
    response = page(
        render_page(
            "index",
            {
                "lang": "en" if lang == "en" else "id",
                "config_json": script_json(config),  # inside a <script type="application/json">
                "api_url": asset_url("api.js"),
                "script_url": asset_url("citizen.js"),
            },
        )
    )
    uploads = services().uploads
    # attachments: the browser uploads straight to the bucket
    response.headers["Content-Security-Policy"] = _page_policy(f" {uploads.origin}" if uploads is not None else "")
    return response


def _language() -> str:
    return "en" if params().get("lang") == "en" else "id"


@bp.route("/public", methods=["GET"])
@api
def public_register():
    """The public register (issue 22): anyone searches the complaints the province published, opens one with
    its timeline and answer, sees each agency's scorecard and downloads the open data. The page reads
    /public/complaints, /public/agencies and /categories from the browser; it carries no data itself."""
    settings = services().settings
    config = {
        "tile_url": settings.tile_url,
        "tile_attribution": settings.tile_attribution,
        "leaflet_js": asset_url("vendor/leaflet/leaflet.js"),
        "leaflet_css": asset_url("vendor/leaflet/leaflet.css"),
        "cluster_js": asset_url("vendor/leaflet.markercluster/leaflet.markercluster.js"),
        "cluster_css": [
            asset_url("vendor/leaflet.markercluster/MarkerCluster.css"),
            asset_url("vendor/leaflet.markercluster/MarkerCluster.Default.css"),
        ],
    }
    response = page(
        render_page(
            "public",
            {
                "lang": _language(),
                "config_json": script_json(config),
                "api_url": asset_url("api.js"),
                "script_url": asset_url("public.js"),
            },
        )
    )
    response.headers["Content-Security-Policy"] = _page_policy()
    return response


def _static(name: str) -> Response:
    if name not in ASSETS:
        raise NotFound("no such file")
    body, digest = _asset(name)
    cache = IMMUTABLE if params().get("v") == digest else SHORT
    return Response(
        body=body.decode("utf-8"),
        status_code=200,
        headers={
            "Content-Type": CONTENT_TYPES[ASSETS[name].suffix],
            "Cache-Control": cache,
            "X-Content-Type-Options": "nosniff",
        },
    )


@bp.route("/static/{name}", methods=["GET"])
@api
def static_file(name):
    return _static(name)


@bp.route("/static/vendor/leaflet/{name}", methods=["GET"])
@api
def leaflet_file(name):
    return _static(f"vendor/leaflet/{name}")


@bp.route("/static/vendor/leaflet.markercluster/{name}", methods=["GET"])
@api
def cluster_file(name):
    return _static(f"vendor/leaflet.markercluster/{name}")


@bp.route("/categories", methods=["GET"])
@api
def categories():
    return json_response(catalog.as_json(), headers={"Cache-Control": "public, max-age=3600"})


@bp.route("/track/{tracking_number}", methods=["GET"])
@api
def track(tracking_number):
    """Where a case stands, by its number as people write it; never who reported it, never its text. (API
    Gateway hands the path's segment over still percent-encoded: "kt%2082pt%20r267".)"""
    return json_response(status_check.track(services(), unquote(tracking_number), client=client_address()))
