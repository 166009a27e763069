"""What anyone may open without signing in: the citizens' page, the categories it offers and the status
check of a tracking number."""

from __future__ import annotations

from urllib.parse import unquote

from chalice import Blueprint

from ...domain import catalog, sop
from ...rendering import render_page
from ...service import status_check
from ..auth import client_address
from ..http import api, json_response, page, params, script_json
from ..process import services

bp = Blueprint(__name__)


@bp.route("/", methods=["GET"])
@api
def index():
    lang = params().get("lang", "id")
    stages = {s.name: {"id": s.label_id, "en": s.label_en} for s in sop.STAGES}
    response = page(
        render_page(
            "index",
            {
                "lang": "en" if lang == "en" else "id",
                "stages_json": script_json(stages),
            },
        )
    )
    uploads = services().uploads
    if uploads is not None:  # attachments: the browser uploads straight to the bucket
        response.headers["Content-Security-Policy"] = (
            f"{response.headers['Content-Security-Policy']}; connect-src 'self' {uploads.origin}"
        )
    return response


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
