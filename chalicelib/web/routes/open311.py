"""Open311 GeoReport v2: the API other programs use (domain/georeport.py, service/georeport.py). Its errors are
its own format (``[{code, description}]``), never problem+json, so its routes have their own decorator."""

from __future__ import annotations

import functools

from chalice import Blueprint, Response

from ...domain import georeport, limits
from ...domain.errors import DomainError
from ...service import open311 as open311_uc
from ..auth import client_address
from ..http import ANY_BODY, header, request
from ..process import logger, services

bp = Blueprint(__name__)
OPEN311 = "/open311/v2"


def _open311_params() -> dict[str, str]:
    """The query's arguments; one given twice counts as a comma-separated list (as the spec's lists are)."""
    params = request().query_params
    return {name: ",".join(params.getlist(name)) for name in params} if params else {}


def _open311_error(failure: Exception) -> georeport.Open311Error:
    if isinstance(failure, georeport.Open311Error):
        return failure
    if isinstance(failure, DomainError):  # a rule refused the request (the use case names most of them itself)
        return georeport.refused(failure.code)
    logger.exception("open311 request failed", extra={"route": request().path})
    return georeport.internal_error()


def open311(view):
    """Answer what the view returns (an ``georeport.Document``) or raises in the format the URL names
    (``.json`` or ``.xml``; XML, the spec's required format, when it names neither). Errors are
    ``[{code, description}]``, never problem+json; anything unexpected is logged and answered 500."""

    @functools.wraps(view)
    def wrapper(**kwargs):
        fmt = georeport.format_of(request().path) or next(
            (f for f in map(georeport.format_of, kwargs.values()) if f), "xml"
        )
        try:
            document, status = view(**kwargs), 200
            headers = {"Cache-Control": f"public, max-age={document.max_age}" if document.max_age else "no-store"}
        except Exception as failure:
            error = _open311_error(failure)
            document, status, headers = error.document(), error.status, {**error.headers, "Cache-Control": "no-store"}
        body, content_type = georeport.render(document, fmt)
        return Response(
            body=body,
            status_code=status,
            headers={"Content-Type": content_type, "X-Content-Type-Options": "nosniff", **headers},
        )

    return wrapper


@bp.route(f"{OPEN311}/discovery.json", methods=["GET"], content_types=ANY_BODY, cors=True)
@bp.route(f"{OPEN311}/discovery.xml", methods=["GET"], content_types=ANY_BODY, cors=True)
@open311
def open311_discovery():
    return open311_uc.discovery(services())


@bp.route(f"{OPEN311}/services.json", methods=["GET"], content_types=ANY_BODY, cors=True)
@bp.route(f"{OPEN311}/services.xml", methods=["GET"], content_types=ANY_BODY, cors=True)
@open311
def open311_services():
    return open311_uc.services_list(services(), _open311_params())


@bp.route(f"{OPEN311}/services/{{service_file}}", methods=["GET"], content_types=ANY_BODY, cors=True)
@open311
def open311_service_definition(service_file):
    """``services/kesehatan.puskesmas.json``: the code and the format share the last segment."""
    code, _ = georeport.split_format(service_file)
    return open311_uc.service_definition(services(), code, _open311_params())


@bp.route(f"{OPEN311}/requests.json", methods=["GET", "POST"], content_types=ANY_BODY, cors=True)
@bp.route(f"{OPEN311}/requests.xml", methods=["GET", "POST"], content_types=ANY_BODY, cors=True)
@open311
def open311_requests():
    """GET: the public search. POST (form-encoded, with ``api_key``; optional ``Idempotency-Key``): a new request."""
    current = request()
    if current.method == "GET":
        return open311_uc.search_requests(services(), _open311_params(), client=client_address())
    if limits.body_too_large(current.raw_body):
        raise georeport.too_large(limits.MAX_BODY_BYTES)
    form = georeport.parse_form(current.raw_body, header("content-type") or None)
    document, created = open311_uc.create_request(services(), form, idempotency_key=header("idempotency-key") or None)
    logger.info(
        "open311 request created",
        extra={"tracking_number": document.data[0]["service_request_id"], "new_complaint": created},
    )
    return document


@bp.route(f"{OPEN311}/requests/{{request_file}}", methods=["GET"], content_types=ANY_BODY, cors=True)
@open311
def open311_request(request_file):
    service_request_id, _ = georeport.split_format(request_file)
    return open311_uc.get_request(services(), service_request_id, _open311_params())


@bp.route(f"{OPEN311}/tokens/{{token_file}}", methods=["GET"], content_types=ANY_BODY, cors=True)
@open311
def open311_token(token_file):
    token, _ = georeport.split_format(token_file)
    return open311_uc.resolve_token(services(), token, _open311_params())
