"""The API's own description (chalicelib/web/openapi.py, from the models in domain/models.py and
web/schemas.py), as JSON for programs and as a page for people."""

from __future__ import annotations

from functools import lru_cache

from chalice import Blueprint

from ...rendering import render_page
from ..http import api, json_response, page

bp = Blueprint(__name__)


@lru_cache(maxsize=1)
def _openapi() -> dict:
    """Built once per process, on first use: the routes are all registered by then."""
    from .. import openapi

    return openapi.document(bp.current_app.routes)


@bp.route("/openapi.json", methods=["GET"], cors=True)
@api
def openapi_document():
    """OpenAPI 3.1: every route, its models, problems and security (docs/api.md)."""
    return json_response(_openapi(), headers={"Cache-Control": "public, max-age=300"})


@bp.route("/api-docs", methods=["GET"])
@api
def api_docs():
    """The same document rendered for people (no script, nothing from elsewhere)."""
    from .. import openapi

    return page(render_page("api_docs", {"d": openapi.view(_openapi()), "lang": "en"}))
