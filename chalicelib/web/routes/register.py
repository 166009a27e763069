"""The public register's JSON and open data (service/public_register.py): anyone, no login, counted per client
address. Cached at the edge (Cache-Control: public): a minute for the register, an hour for the running
month's open data, a day for a past month's (it changes only when one of its cases is answered, closed or
reopened). Errors are never cached (problem responses say no-store). Readable from any origin (``cors=True``,
as Open311): nothing here needs a login or differs by who asks."""

from __future__ import annotations

from urllib.parse import quote, unquote

from chalice import Blueprint, Response

from ...domain.public_register import open_data_csv
from ...service import public_register
from ..auth import client_address
from ..http import api, json_response, params
from ..process import services

bp = Blueprint(__name__)

REGISTER_CACHE = "public, max-age=60"
PAST_MONTH_CACHE = "public, max-age=86400"
CURRENT_MONTH_CACHE = "public, max-age=3600"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


@bp.route("/public/complaints", methods=["GET"], cors=True)
@api
def public_complaints():
    """A page of listed complaints, newest first (filters, ``q`` on the published text, page tokens)."""
    body = public_register.search(services(), params(), client_address())
    return json_response(body, headers={"Cache-Control": REGISTER_CACHE})


@bp.route("/public/complaints/{tracking_number}", methods=["GET"], cors=True)
@api
def public_complaint(tracking_number):
    """One listed complaint with its stages (API Gateway hands the segment over percent-encoded)."""
    body = public_register.case(services(), unquote(tracking_number), client_address())
    return json_response(body, headers={"Cache-Control": REGISTER_CACHE})


def _open_data() -> public_register.OpenData:
    return public_register.open_data(services(), params(), client_address())


def _cache(data: public_register.OpenData) -> str:
    return CURRENT_MONTH_CACHE if data.current else PAST_MONTH_CACHE


@bp.route("/public/open-data.json", methods=["GET"], cors=True)
@api
def open_data_json():
    data = _open_data()
    return json_response(data.as_json(), headers={"Cache-Control": _cache(data)})


@bp.route("/public/open-data.csv", methods=["GET"], cors=True)
@api
def open_data_csv_file():
    """The month as CSV; more than one answer holds: ``Link: <...>; rel="next"`` (relative to this address)."""
    data = _open_data()
    headers: dict[str, str | list[str]] = {
        "Content-Type": CSV_CONTENT_TYPE,
        "Content-Disposition": f'attachment; filename="aspirasi-kaltim-{data.month}.csv"',
        "Cache-Control": _cache(data),
        "X-Content-Type-Options": "nosniff",
    }
    if data.next_token:
        headers["Link"] = f'<open-data.csv?month={data.month}&next_token={quote(data.next_token)}>; rel="next"'
    return Response(body=open_data_csv(data.rows), status_code=200, headers=headers)
