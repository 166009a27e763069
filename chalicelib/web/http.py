"""HTTP plumbing the routes share: the request being served, its query and body, and the JSON, page and
problem responses. ``api`` turns what a view raises into a problem document (RFC 9457)."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from chalice import Blueprint, Response
from chalice.app import Request

from ..domain import limits
from ..domain.errors import DomainError, PayloadTooLarge
from ..rendering import render_page
from .problems import CONTENT_TYPE as PROBLEM_JSON
from .problems import problem, problem_for
from .process import logger

# Registered with the app (it has no routes) so that ``request()`` reaches the app's current request.
blueprint = Blueprint(__name__)

# Any media type reaches the views: ``request_body()`` refuses one it cannot read with a 415 problem document
# (Chalice's own 415 is not problem JSON), and Open311 answers in its own error format.
ANY_BODY = ["*/*"]
FORM = "application/x-www-form-urlencoded"
# Pages that carry an action link's token must not leak it (Referer) or be cached or indexed.
PAGE_HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "X-Robots-Tag": "noindex",
    "Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-inline'; "
    "style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'",
}


class BadRequest(Exception):
    """The body could not be read as JSON."""


class UnsupportedMediaType(Exception):
    """The body is neither JSON nor (where a page posts one) an HTML form."""


def request() -> Request:
    """The request being served (Chalice sets it before any view runs)."""
    return blueprint.current_request  # Chalice raises RuntimeError outside a request


def header(name: str) -> str:
    """A request header (lower-case name, as Chalice gives them), or ""."""
    headers = request().headers
    return (headers.get(name) if headers else None) or ""


def params() -> Mapping[str, str]:
    """The query's arguments (the last value of one given twice)."""
    query = request().query_params
    return {name: query[name] for name in query} if query else {}


def limit(query: Mapping[str, str], default: int = 20) -> int:
    """The page size asked for (a malformed one gets the default; the use case bounds it)."""
    try:
        return int(query.get("limit", default))
    except ValueError:
        return default


def request_body(form: bool = False) -> dict:
    """The request body as a dict: JSON, or an HTML form where a page posts one (``form``)."""
    raw = request().raw_body or b""
    if isinstance(raw, str):
        raw = raw.encode()
    if limits.body_too_large(raw):  # refused unread (domain/limits.py says why the bound)
        raise PayloadTooLarge("request body over the limit")
    media_type = header("content-type").split(";")[0].strip().lower()
    if form and media_type == FORM:
        return dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
    if media_type not in ("", "application/json") and not media_type.endswith("+json"):
        raise UnsupportedMediaType()
    if not raw.strip():
        return {}
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadRequest() from None


def wants_html() -> bool:
    accept = header("accept")
    return "text/html" in accept and "application/json" not in accept


def json_response(body: Any, status: int = 200, headers: dict | None = None) -> Response:
    return Response(
        body=json.dumps(body, ensure_ascii=False),
        status_code=status,
        headers={"Content-Type": "application/json", "Cache-Control": "no-store", **(headers or {})},
    )


def page(html: str, status: int = 200) -> Response:
    return Response(body=html, status_code=status, headers=dict(PAGE_HEADERS))


def message_page(
    ok: bool,
    title: tuple[str, str],
    text: tuple[str, str],
    status: int = 200,
    link: tuple[str, str, str] | None = None,
) -> Response:
    """The page of one message (templates/pages/message.html): a title and a text, in Indonesian and English,
    and where there is a way onward, a ``link`` (url, Indonesian words, English words)."""
    context = {"ok": ok, "title_id": title[0], "title_en": title[1], "text_id": text[0], "text_en": text[1]}
    context["link"] = {"url": link[0], "id": link[1], "en": link[2]} if link else None
    return page(render_page("message", context), status)


def script_json(value: Any) -> str:
    """JSON to place inside a page's <script>: no "<" in it can close the element early."""
    return json.dumps(value).replace("<", "\\u003c")


def problem_response(status: int, body: dict) -> Response:
    """A problem document, or the message page when a browser asks for HTML."""
    if wants_html():
        title_id, _, title_en = body["title"].partition(" / ")
        detail_id, _, detail_en = body["detail"].partition(" / ")
        # An officer whose emailed link is used, expired or refused goes on in the console.
        path = request().context.get("resourcePath", "") if request().context else ""
        onward = ("/staff", "Buka konsol staf", "Open the staff console") if path.startswith("/actions/") else None
        return message_page(False, (title_id, title_en), (detail_id, detail_en), status, link=onward)
    headers: dict[str, str | list[str]] = {"Content-Type": PROBLEM_JSON, "Cache-Control": "no-store"}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="aspirasi-kaltim"'
    return Response(body=json.dumps(body, ensure_ascii=False), status_code=status, headers=headers)


def api(view: Callable[..., Response]) -> Callable[..., Response]:
    """Turn domain errors into problem documents, and anything unexpected into a 500 that logs."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        path = getattr(request(), "path", None)
        try:
            return view(*args, **kwargs)
        except DomainError as error:
            response = problem_response(*problem_for(error, path))
            if getattr(error, "retry_after", None):  # a limit says when to come back (RFC 9110 Retry-After)
                response.headers["Retry-After"] = str(error.retry_after)
            return response
        except BadRequest:
            return problem_response(*problem("bad_request", path))
        except UnsupportedMediaType:
            return problem_response(*problem("unsupported_media_type", path))
        except Exception:
            logger.exception("request failed", extra={"route": path})
            return problem_response(*problem("internal", path))

    return wrapper
