"""The SLA report for supervisors, Diskominfo and admins (service/reports.py): JSON for the console, a
download (CSV, XLSX) or the console's charts (SVG); and the agencies' public scorecards, from the same
running totals, for anyone (service/scorecards.py)."""

from __future__ import annotations

from chalice import Blueprint, Response

from ...domain.report import XLSX_CONTENT_TYPE
from ...domain.roles import Action
from ...service import reports, scorecards
from .. import auth
from ..auth import client_address
from ..http import api, json_response, params
from ..process import services

bp = Blueprint(__name__)


def _report_file(figures: dict, fmt: str, lang: str) -> Response:
    """The report as a download (CSV, XLSX) or as the console's charts (SVG). Imported on demand:
    most requests of this function never draw a chart or a workbook."""
    headers: dict[str, str | list[str]] = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
    body: str | bytes
    if fmt == "svg":
        from ...adapters.charts import render_svg

        body, content_type, disposition = render_svg(figures, lang), "image/svg+xml; charset=utf-8", None
        # Opened on its own as a document, the drawing may do nothing but be shown.
        headers["Content-Security-Policy"] = "default-src 'none'"
    else:
        from ...adapters import spreadsheet

        name = f"Laporan-SLA-Aspirasi-Kaltim-{figures['from']}_{figures['to']}.{fmt}"
        disposition = f'attachment; filename="{name}"'
        if fmt == "csv":
            # Text, not bytes: only binary types go back to API Gateway base64-encoded.
            body, content_type = spreadsheet.render_csv(figures), spreadsheet.CSV_CONTENT_TYPE
        else:
            body, content_type = spreadsheet.render_xlsx(figures), XLSX_CONTENT_TYPE
    headers["Content-Type"] = content_type
    if disposition:
        headers["Content-Disposition"] = disposition
    return Response(body=body, status_code=200, headers=headers)


@bp.route("/staff/reports/sla", methods=["GET"])
@api
def staff_sla_report():
    """GET /staff/reports/sla?from=YYYY-MM-DD&to=YYYY-MM-DD&format=json|csv|xlsx|svg."""
    auth.staff(Action.READ_REPORTS)
    query = params()
    fmt = reports.report_format(query.get("format"))
    start, end = reports.parse_period(services(), query.get("from"), query.get("to"))
    figures = reports.sla_report(services(), start, end)
    if fmt == "json":
        return json_response(figures)
    return _report_file(figures, fmt, "en" if query.get("lang") == "en" else "id")


# Edges and browsers may keep the scorecards five minutes: the month's counters move slowly, and the same
# period asked by many people is then read once.
PUBLIC_CACHE = {"Cache-Control": "public, max-age=300"}


@bp.route("/public/agencies", methods=["GET"])
@api
def public_agency_scorecards():
    """GET /public/agencies?from=YYYY-MM-DD&to=YYYY-MM-DD (whole months; no login)."""
    query = params()
    figures = scorecards.agency_scorecards(services(), query.get("from"), query.get("to"), client=client_address())
    return json_response(figures, headers=PUBLIC_CACHE)
