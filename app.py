"""Aspirasi Kaltim: the Chalice app. Handlers are thin: parse, log, measure, call a use case."""

from __future__ import annotations

import functools
import json
import logging
import os
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import parse_qsl, quote, unquote

from aws_lambda_powertools import Logger
from chalice import Chalice, Cron, Response
from chalice.app import Request

from chalicelib.adapters.queue import delay_redelivery
from chalicelib.adapters.uploads import landed_objects
from chalicelib.bootstrap import build_services
from chalicelib.config import settings
from chalicelib.domain import catalog, limits, sop
from chalicelib.domain import open311 as o311
from chalicelib.domain.errors import DomainError, Forbidden, PayloadTooLarge, Unauthorized, Unavailable
from chalicelib.domain.staff import Action, StaffMember
from chalicelib.rendering import render_page
from chalicelib.service import (
    access,
    accounts,
    actions,
    api_keys,
    complaints,
    decide,
    delivery,
    followup,
    members,
    privacy,
    reports,
    staff,
)
from chalicelib.service import attachments as attachment_uc
from chalicelib.service import open311 as open311_uc
from chalicelib.service.complaints import Citizen
from chalicelib.service.container import Services
from chalicelib.service.workflow import handle_message
from chalicelib.web.problems import CONTENT_TYPE as PROBLEM_JSON
from chalicelib.web.problems import problem, problem_for

# Powertools logs (JSON, one line each); Chalice would add a second, plain handler to the same logger,
# writing every line twice (twice the CloudWatch Logs ingestion: bench/lifecycle.py measured it).
if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

app = Chalice(app_name="aspirasi-kaltim", configure_logs=False)
logger = Logger(service="aspirasi-kaltim")
# Nor again through the root logger's handler (Lambda's runtime installs one), as Chalice's setup prevented.
logging.getLogger(logger.service).propagate = False
HANDOFF_QUEUE = os.environ.get("HANDOFF_QUEUE_NAME", "aspirasi-kaltim-handoff")
UPLOADS_QUEUE = os.environ.get("UPLOADS_QUEUE_NAME", "aspirasi-kaltim-uploads")
# Any media type reaches the views: _body() refuses one it cannot read with a 415 problem document
# (Chalice's own 415 is not problem JSON), and Open311 answers in its own error format.
_ANY_BODY = ["*/*"]
FORM = "application/x-www-form-urlencoded"
# Pages that carry an action link's token must not leak it (Referer) or be cached or indexed.
_PAGE_HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "X-Robots-Tag": "noindex",
    "Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-inline'; "
    "style-src 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'",
}


@functools.cache
def _batch_processor(consumer: str):
    """One Powertools batch processor per consumer (the local stack polls them at once), made on first use:
    the API's cold start never imports the batch utility (docs/performance.md)."""
    from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType

    return BatchProcessor(event_type=EventType.DynamoDBStreams if consumer == "changes" else EventType.SQS)


def _process_batch(consumer: str, event: dict, handler, context) -> Mapping:
    """Each record to ``handler``; the failed ones are reported back (ReportBatchItemFailures)."""
    from aws_lambda_powertools.utilities.batch import process_partial_response

    return process_partial_response(
        event=event, record_handler=handler, processor=_batch_processor(consumer), context=context
    )


@lru_cache(maxsize=1)
def services() -> Services:
    return build_services(settings())


T = TypeVar("T")


def _request() -> Request:
    """The request being served (Chalice sets it before any view runs)."""
    request = app.current_request
    assert request is not None, "only called while serving a request"
    return request


def _header(name: str) -> str:
    """A request header (lower-case name, as Chalice gives them), or ""."""
    headers = _request().headers
    return (headers.get(name) if headers else None) or ""


def _params() -> Mapping[str, str]:
    """The query's arguments (the last value of one given twice)."""
    params = _request().query_params
    return {name: params[name] for name in params} if params else {}


def _client_address() -> str | None:
    """The caller's address as API Gateway saw it (a per-client limit counts by it), if known."""
    identity = (_request().context or {}).get("identity") or {}
    return identity.get("sourceIp") or None


def _configured(part: T | None, what: str) -> T:
    """A part of the services a deployment may leave out (Cognito, the attachments bucket): 503 without it."""
    if part is None:
        raise Unavailable(f"{what} is not configured")
    return part


class BadRequest(Exception):
    """The body could not be read as JSON."""


class UnsupportedMediaType(Exception):
    """The body is neither JSON nor (where a page posts one) an HTML form."""


# -- request and response helpers ----------------------------------------------------
def _wants_html() -> bool:
    accept = _header("accept")
    return "text/html" in accept and "application/json" not in accept


def _json(body, status: int = 200, headers: dict | None = None) -> Response:
    return Response(
        body=json.dumps(body, ensure_ascii=False),
        status_code=status,
        headers={"Content-Type": "application/json", "Cache-Control": "no-store", **(headers or {})},
    )


def _page(html: str, status: int = 200) -> Response:
    return Response(body=html, status_code=status, headers=dict(_PAGE_HEADERS))


def _problem_response(status: int, body: dict) -> Response:
    if _wants_html():
        title_id, _, title_en = body["title"].partition(" / ")
        detail_id, _, detail_en = body["detail"].partition(" / ")
        return _page(
            render_page(
                "message",
                {"ok": False, "title_id": title_id, "title_en": title_en, "text_id": detail_id, "text_en": detail_en},
            ),
            status,
        )
    headers: dict[str, str | list[str]] = {"Content-Type": PROBLEM_JSON, "Cache-Control": "no-store"}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="aspirasi-kaltim"'
    return Response(body=json.dumps(body, ensure_ascii=False), status_code=status, headers=headers)


def _body(form: bool = False) -> dict:
    """The request body as a dict: JSON, or an HTML form where a page posts one (``form``)."""
    raw = _request().raw_body or b""
    if isinstance(raw, str):
        raw = raw.encode()
    if limits.body_too_large(raw):  # refused unread (domain/limits.py says why the bound)
        raise PayloadTooLarge("request body over the limit")
    media_type = _header("content-type").split(";")[0].strip().lower()
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


def _limit(params: Mapping[str, str], default: int = 20) -> int:
    """The page size asked for (a malformed one gets the default; the use case bounds it)."""
    try:
        return int(params.get("limit", default))
    except ValueError:
        return default


def api(view):
    """Turn domain errors into problem documents, and anything unexpected into a 500 that logs."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        path = getattr(_request(), "path", None)
        try:
            return view(*args, **kwargs)
        except DomainError as error:
            response = _problem_response(*problem_for(error, path))
            if getattr(error, "retry_after", None):  # a limit says when to come back (RFC 9110 Retry-After)
                response.headers["Retry-After"] = str(error.retry_after)
            return response
        except BadRequest:
            return _problem_response(*problem("bad_request", path))
        except UnsupportedMediaType:
            return _problem_response(*problem("unsupported_media_type", path))
        except Exception:
            logger.exception("request failed", extra={"route": path})
            return _problem_response(*problem("internal", path))

    return wrapper


def _claims() -> dict:
    """The caller's verified Cognito ID token claims (signature, expiry, audience, token use)."""
    header = _header("authorization")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("missing token")
    return _configured(services().verifier, "sign-in").verify(token.strip())


def _active(claims: dict, revocation_checked_later: bool = False) -> dict:
    """A person acting for themselves must still hold their account: a member of staff must be enabled, and
    no token outlives its account's closing or disabling (service/access.py). ``revocation_checked_later``:
    the route's own transaction checks the revocation (a submission), so no read is spent on it here."""
    if _member(claims).is_staff:
        _ensure_enabled(claims)
    if not revocation_checked_later:
        access.ensure_active(services(), claims["sub"], _issued_at(claims))
    return claims


def _issued_at(claims: dict) -> int | None:
    issued_at = claims.get("iat")
    return int(issued_at) if isinstance(issued_at, int | float) else None


def _citizen(submitting: bool = False) -> Citizen:
    claims = _active(_claims(), revocation_checked_later=submitting)
    return Citizen(
        id=claims["sub"],
        email=claims.get("email", ""),
        name=claims.get("name"),
        phone=claims.get("phone_number"),
        issued_at=_issued_at(claims),
    )


def _member(claims: dict) -> StaffMember:
    """The caller as the staff rules see them (a citizen has no staff groups)."""
    groups = frozenset(g for g in claims.get("cognito:groups") or [] if isinstance(g, str))
    return StaffMember(email=claims.get("email", ""), groups=groups)


def _staff(action: Action) -> StaffMember:
    """The caller as a member of staff allowed ``action`` (401 without a token, 403 otherwise)."""
    claims = _claims()
    member = _member(claims)
    if not member.may(action):
        raise Forbidden("staff only" if not member.is_staff else f"not allowed: {action.value}")
    # An address changed but not yet verified must not name the person in the audit trail.
    if claims.get("email_verified") in (False, "false") or not member.email:
        raise Forbidden("verified email required")
    _ensure_enabled(claims)
    return member


def _ensure_enabled(claims: dict) -> None:
    """A staff account must still be enabled: ID tokens outlive a disabled account (adapters/cognito.py)."""
    if not _configured(services().account_status, "sign-in").enabled(claims.get("cognito:username") or claims["sub"]):
        raise Unauthorized("account disabled")


# -- citizens -------------------------------------------------------------------------------
@app.route("/", methods=["GET"])
@api
def index():
    lang = _params().get("lang", "id")
    stages = {s.name: {"id": s.label_id, "en": s.label_en} for s in sop.STAGES}
    page = _page(
        render_page(
            "index",
            {
                "lang": "en" if lang == "en" else "id",
                # JSON inside a <script>: no "<" can close the element early.
                "stages_json": json.dumps(stages).replace("<", "\\u003c"),
            },
        )
    )
    uploads = services().uploads
    if uploads is not None:  # attachments: the browser uploads straight to the bucket
        page.headers["Content-Security-Policy"] = (
            f"{page.headers['Content-Security-Policy']}; connect-src 'self' {uploads.origin}"
        )
    return page


@app.route("/auth/register", methods=["POST"], content_types=_ANY_BODY)
@api
def register():
    _configured(services().identity, "sign-in")
    return _json(accounts.register(services(), _body(), client=_client_address()), status=201)


@app.route("/auth/confirm", methods=["POST"], content_types=_ANY_BODY)
@api
def confirm():
    accounts.confirm(_configured(services().identity, "sign-in"), _body())
    return Response(body="", status_code=204)


@app.route("/auth/login", methods=["POST"], content_types=_ANY_BODY)
@api
def login():
    return _json(accounts.login(_configured(services().identity, "sign-in"), _body()))


@app.route("/categories", methods=["GET"])
@api
def categories():
    return _json(catalog.as_json(), headers={"Cache-Control": "public, max-age=3600"})


# -- the API's own description (chalicelib/web/openapi.py, from the models in domain/models.py) ---------
@lru_cache(maxsize=1)
def _openapi() -> dict:
    """Built once per process, on first use: the routes are all registered by then."""
    from chalicelib.web import openapi

    return openapi.document(app.routes)


@app.route("/openapi.json", methods=["GET"], cors=True)
@api
def openapi_document():
    """OpenAPI 3.1: every route, its models, problems and security (docs/api.md)."""
    return _json(_openapi(), headers={"Cache-Control": "public, max-age=300"})


@app.route("/api-docs", methods=["GET"])
@api
def api_docs():
    """The same document rendered for people (no script, nothing from elsewhere)."""
    from chalicelib.web import openapi

    return _page(render_page("api_docs", {"d": openapi.view(_openapi()), "lang": "en"}))


@app.route("/complaints", methods=["POST"], content_types=_ANY_BODY)
@api
def submit_complaint():
    citizen = _citizen(submitting=True)
    key = _header("idempotency-key") or None
    view, created = complaints.submit_complaint(services(), citizen, _body(), idempotency_key=key)
    logger.info("complaint submitted", extra={"complaint_id": view["id"], "new_complaint": created})
    return _json(view, status=201 if created else 200, headers={"Location": f"/complaints/{view['id']}"})


@app.route("/complaints", methods=["GET"])
@api
def list_complaints():
    citizen = _citizen()
    params = _params()
    return _json(complaints.list_complaints(services(), citizen.id, _limit(params), params.get("next_token")))


@app.route("/complaints/{complaint_id}", methods=["GET"])
@api
def get_complaint(complaint_id):
    citizen = _citizen()
    return _json(complaints.get_complaint(services(), complaint_id, citizen.id))


@app.route("/complaints/{complaint_id}/information", methods=["POST"], content_types=_ANY_BODY)
@api
def answer_question(complaint_id):
    """The citizen answers the question a stage asked; the stage resumes with the time it had left."""
    citizen = _citizen()
    result = followup.answer_as_citizen(services(), complaint_id, citizen.id, _body())
    logger.info("citizen answered a question", extra={"complaint_id": complaint_id, "stage": result["stage"]})
    return _json(complaints.get_complaint(services(), complaint_id, citizen.id))


@app.route("/complaints/{complaint_id}/rating", methods=["POST"], content_types=_ANY_BODY)
@api
def rate_complaint(complaint_id):
    citizen = _citizen()
    rating = followup.rate_as_citizen(services(), complaint_id, citizen.id, _body())
    logger.info("citizen rated a reply", extra={"complaint_id": complaint_id, "score": rating["score"]})
    return _json(rating, status=201)


@app.route("/complaints/{complaint_id}/reopen", methods=["POST"], content_types=_ANY_BODY)
@api
def reopen_complaint(complaint_id):
    """Not solved: within the feedback window the case goes back to classification (at most twice)."""
    citizen = _citizen()
    result = followup.reopen(services(), complaint_id, citizen.id, _body())
    logger.info("citizen reopened a case", extra={"complaint_id": complaint_id, "round": result["round"]})
    return _json(complaints.get_complaint(services(), complaint_id, citizen.id))


# -- personal data rights, UU PDP (service/privacy.py, docs/privacy.md) ------------------------
def _account_holder(closing: bool = False) -> tuple[str, str, str, bool]:
    """The caller's (sub, Cognito username, email, whether a member of staff) from their verified ID token.
    ``closing``: the account's own closure may finish with the token its first attempt revoked (a retry)."""
    claims = _claims() if closing else _active(_claims())
    email = claims.get("email", "")
    return claims["sub"], claims.get("cognito:username") or email or claims["sub"], email, _member(claims).is_staff


@app.route("/me/data", methods=["GET"])
@api
def my_data():
    """Everything held about the caller, as a JSON download (the right of access and a copy)."""
    sub, username, _, _ = _account_holder()
    data = privacy.export_data(services(), sub, username)
    logger.info("personal data exported", extra={"complaints": len(data["complaints"])})
    name = privacy.export_filename(services().now())
    return Response(
        body=json.dumps(data, ensure_ascii=False, indent=2),
        status_code=200,
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "Cache-Control": "no-store",
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Content-Type-Options": "nosniff",
        },
    )


@app.route("/me", methods=["PATCH"], content_types=_ANY_BODY)
@api
def correct_me():
    """Correct the caller's name and/or phone (account and reporter fields of their complaints)."""
    sub, username, _, _ = _account_holder()
    result = privacy.correct(services(), sub, username, _body())
    logger.info("personal data corrected", extra={"complaints": result["complaints_corrected"]})
    return _json(result)


@app.route("/me", methods=["DELETE"], content_types=_ANY_BODY)
@api
def close_me():
    """Close the caller's account: erase their personal data, then delete the account. Body: {"email"}."""
    sub, username, email, is_staff = _account_holder(closing=True)
    result = privacy.close_account(services(), sub, username, email, _body(), staff=is_staff)
    logger.info("account closed", extra=result)
    return Response(body="", status_code=204, headers={"Cache-Control": "no-store"})


# -- rating links (from the reply email) ----------------------------------------------------
@app.route("/ratings/{link_token}", methods=["GET"])
@api
def show_rating(link_token):
    """The rating page. Records nothing: mail scanners open links; only the page's POST rates."""
    described = followup.describe_rating(services(), link_token)
    score = _params().get("score", "")
    return _page(render_page("rating", {"r": described, "score": score if score in ("1", "2", "3", "4", "5") else ""}))


@app.route("/ratings/{link_token}", methods=["POST"], content_types=_ANY_BODY)
@api
def post_rating(link_token):
    rating = followup.rate_by_link(services(), link_token, _body(form=True))
    logger.info("reply rated by link", extra={"score": rating["score"]})
    if _header("content-type").startswith(FORM):
        return _page(
            render_page(
                "message",
                {
                    "ok": True,
                    "title_id": "Terima kasih atas penilaian Anda",
                    "title_en": "Thank you for your rating",
                    "text_id": f"Nilai {rating['score']} dari 5 tersimpan. "
                    "Masukan Anda membantu kami memperbaiki layanan.",
                    "text_en": f"Your score of {rating['score']} out of 5 is recorded. "
                    "It helps us improve the service.",
                },
            ),
            201,
        )
    return _json(rating, status=201)


# -- staff action links ---------------------------------------------------------------------
@app.route("/actions/{link_token}", methods=["GET"])
@api
def show_action(link_token):
    """Describe the pending decision. Never changes anything (mail scanners prefetch links)."""
    described = actions.describe_action(services(), link_token)
    if "application/json" in _header("accept"):
        return _json(described)
    return _page(render_page("action", {"a": described}))


@app.route("/actions/{link_token}", methods=["POST"], content_types=_ANY_BODY)
@api
def perform_action(link_token):
    result = decide.decide_by_link(services(), link_token, _body(form=True))
    logger.info("decision recorded", extra={"stage": result["stage"], "outcome": result["outcome"]})
    if _header("content-type").startswith(FORM):
        stage = sop.stage(result["stage"])
        return _page(
            render_page(
                "message",
                {
                    "ok": True,
                    "title_id": "Keputusan tersimpan",
                    "title_en": "Decision recorded",
                    "text_id": f"{stage.label_id}: {result['outcome']}. "
                    "Terima kasih; tahap berikutnya segera diberi tahu.",
                    "text_en": f"{stage.label_en}: {result['outcome']}. Thank you; the next stage is being notified.",
                },
            )
        )
    return _json(result)


# -- staff: console page (GET /staff) ------------------------------------------------------
@app.route("/staff", methods=["GET"])
@api
def staff_console():
    """The staff console: one page; what it shows comes from the JSON routes under /staff/... ."""
    lang = _params().get("lang", "id")
    stages = {
        s.name: {
            "id": s.label_id,
            "en": s.label_en,
            "outcomes": {o.name: {"id": o.label_id, "en": o.label_en} for o in s.outcomes},
        }
        for s in sop.STAGES
    }
    return _page(
        render_page(
            "staff",
            {
                "lang": "en" if lang == "en" else "id",
                # JSON inside a <script>: no "<" can close the element early.
                "stages_json": json.dumps(stages).replace("<", "\\u003c"),
            },
        )
    )


# -- staff: members (admin) -----------------------------------------------------------------
@app.route("/staff/members", methods=["GET"])
@api
def staff_members():
    _staff(Action.MANAGE_MEMBERS)
    return _json(members.list_members(_configured(services().directory, "staff accounts")))


@app.route("/staff/members", methods=["POST"], content_types=_ANY_BODY)
@api
def staff_invite_member():
    admin = _staff(Action.MANAGE_MEMBERS)
    member = members.invite_member(services(), _body())
    logger.info(
        "staff member invited", extra={"by": admin.email, "member": member["email"], "groups": member["groups"]}
    )
    return _json(member, status=201, headers={"Location": f"/staff/members/{quote(member['email'])}"})


@app.route("/staff/members/{email}", methods=["DELETE"])
@api
def staff_disable_member(email):
    admin = _staff(Action.MANAGE_MEMBERS)
    members.disable(services(), unquote(email))  # their tokens are refused at once (service/access.py)
    logger.info("staff member disabled", extra={"by": admin.email, "member": unquote(email).lower()})
    return Response(body="", status_code=204)


# -- staff: queues, cases, decisions, entered complaints -----------------------------------------


@app.route("/staff/me", methods=["GET"])
@api
def staff_me():
    """Who is signed in, with which roles and permissions (the console shows what they may use)."""
    return _json(staff.me(services(), _staff(Action.READ_QUEUE)))


@app.route("/staff/work-items", methods=["GET"])
@api
def staff_work_items():
    member = _staff(Action.READ_QUEUE)
    params = _params()
    return _json(
        staff.work_queue(services(), member, params.get("state", "open"), _limit(params), params.get("next_token"))
    )


@app.route("/staff/complaints", methods=["GET"])
@api
def staff_find_complaints():
    member = _staff(Action.READ_CASE)
    params = _params()
    return _json(staff.find_by_tracking_number(services(), member, params.get("tracking_number")))


@app.route("/staff/complaints", methods=["POST"], content_types=_ANY_BODY)
@api
def staff_enter_complaint():
    """A complaint that came by phone, in person, by letter, WhatsApp, ...: the same SOP from here."""
    member = _staff(Action.ENTER_COMPLAINT)
    key = _header("idempotency-key") or None
    complaint, created = complaints.enter_complaint(services(), member, _body(), idempotency_key=key)
    logger.info(
        "complaint entered by staff",
        extra={"complaint_id": complaint.id, "channel": complaint.channel, "new_complaint": created},
    )
    return _json(
        staff.staff_case(services(), member, complaint.id),
        status=201 if created else 200,
        headers={"Location": f"/staff/complaints/{complaint.id}"},
    )


@app.route("/staff/complaints/{complaint_id}", methods=["GET"])
@api
def staff_get_complaint(complaint_id):
    return _json(staff.staff_case(services(), _staff(Action.READ_CASE), complaint_id))


@app.route("/staff/complaints/{complaint_id}/information", methods=["POST"], content_types=_ANY_BODY)
@api
def staff_answer_for_reporter(complaint_id):
    """An operator records the answer a reporter gave by phone, in person or by letter."""
    member = _staff(Action.ENTER_COMPLAINT)
    staff.answer_for_reporter(services(), member, complaint_id, _body())
    logger.info("answer recorded for a reporter", extra={"complaint_id": complaint_id, "by": member.email})
    return _json(staff.staff_case(services(), member, complaint_id))


@app.route("/staff/complaints/{complaint_id}/decision", methods=["POST"], content_types=_ANY_BODY)
@api
def staff_decide(complaint_id):
    result = staff.decide_as_staff(services(), _staff(Action.DECIDE), complaint_id, _body())
    logger.info(
        "decision recorded from the console",
        extra={"complaint_id": complaint_id, "stage": result["stage"], "outcome": result["outcome"]},
    )
    return _json(result)


# -- staff: the SLA report (supervisor, Diskominfo, admin; service/reports.py) -------------------------
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
app.api.binary_types.append(XLSX)  # API Gateway returns it as bytes to a client that accepts it


def _report_file(figures: dict, fmt: str, lang: str) -> Response:
    """The report as a download (CSV, XLSX) or as the console's charts (SVG). Imported on demand:
    most requests of this function never draw a chart or a workbook."""
    headers: dict[str, str | list[str]] = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
    body: str | bytes
    if fmt == "svg":
        from chalicelib.adapters.charts import render_svg

        body, content_type, disposition = render_svg(figures, lang), "image/svg+xml; charset=utf-8", None
        # Opened on its own as a document, the drawing may do nothing but be shown.
        headers["Content-Security-Policy"] = "default-src 'none'"
    else:
        from chalicelib.adapters import spreadsheet

        name = f"Laporan-SLA-Aspirasi-Kaltim-{figures['from']}_{figures['to']}.{fmt}"
        disposition = f'attachment; filename="{name}"'
        if fmt == "csv":
            # Text, not bytes: only binary types go back to API Gateway base64-encoded.
            body, content_type = spreadsheet.render_csv(figures), spreadsheet.CSV_CONTENT_TYPE
        else:
            body, content_type = spreadsheet.render_xlsx(figures), spreadsheet.XLSX_CONTENT_TYPE
    headers["Content-Type"] = content_type
    if disposition:
        headers["Content-Disposition"] = disposition
    return Response(body=body, status_code=200, headers=headers)


@app.route("/staff/reports/sla", methods=["GET"])
@api
def staff_sla_report():
    """GET /staff/reports/sla?from=YYYY-MM-DD&to=YYYY-MM-DD&format=json|csv|xlsx|svg."""
    _staff(Action.READ_REPORTS)
    params = _params()
    fmt = reports.report_format(params.get("format"))
    start, end = reports.parse_period(services(), params.get("from"), params.get("to"))
    figures = reports.sla_report(services(), start, end)
    if fmt == "json":
        return _json(figures)
    return _report_file(figures, fmt, "en" if params.get("lang") == "en" else "id")


# -- attachments (service/attachments.py) ---------------------------------------------------------
@app.route("/complaints/{complaint_id}/attachments", methods=["POST"], content_types=_ANY_BODY)
@api
def request_attachment_upload(complaint_id):
    """A slot for one photo or document and an S3 presigned POST: the browser uploads straight to S3."""
    citizen = _citizen()
    result = attachment_uc.request_upload(services(), citizen.id, complaint_id, _body())
    logger.info("attachment upload requested", extra={"complaint_id": complaint_id, "attachment_id": result["id"]})
    return _json(result, status=201, headers={"Location": f"/complaints/{complaint_id}"})


def _handle_upload_record(record: SQSRecord) -> None:
    message = json.loads(record.body)
    if message.get("Event") == "s3:TestEvent":  # S3 sends one when the notification is configured
        return
    for bucket, key, _size in landed_objects(message):
        with logger.append_context_keys(message_id=record.message_id, s3_key=key):
            if bucket != settings().attachments_bucket:
                logger.warning("upload event for another bucket ignored", extra={"bucket": bucket})
                continue
            try:
                outcome = attachment_uc.check_upload(services(), key)
            except Exception as error:
                _retry_later(record, "upload check failed", error)
                raise
            logger.info("upload checked", extra={"outcome": outcome})


@app.on_sqs_message(queue=UPLOADS_QUEUE, batch_size=10)
def on_upload(event):
    """S3's ObjectCreated events for attachments. Failed records go back to the queue (ReportBatchItemFailures)."""
    return _process_batch("uploads", event.to_dict(), _handle_upload_record, event.context)


# -- Open311 GeoReport v2 ------------------------------------------------------------------------
# The API other programs use (domain/open311.py, service/open311.py), and the admins' routes for its
# clients' keys (service/api_keys.py). Its errors are its own format, never problem+json.
OPEN311 = "/open311/v2"


def _open311_params() -> dict[str, str]:
    """The query's arguments; one given twice counts as a comma-separated list (as the spec's lists are)."""
    params = _request().query_params
    return {name: ",".join(params.getlist(name)) for name in params} if params else {}


def _open311_error(failure: Exception) -> o311.Open311Error:
    if isinstance(failure, o311.Open311Error):
        return failure
    if isinstance(failure, DomainError):  # a rule refused the request (the use case names most of them itself)
        return o311.refused(failure.code)
    logger.exception("open311 request failed", extra={"route": _request().path})
    return o311.internal_error()


def open311(view):
    """Answer what the view returns (an ``o311.Document``) or raises in the format the URL names
    (``.json`` or ``.xml``; XML, the spec's required format, when it names neither). Errors are
    ``[{code, description}]``, never problem+json; anything unexpected is logged and answered 500."""

    @functools.wraps(view)
    def wrapper(**kwargs):
        fmt = o311.format_of(_request().path) or next((f for f in map(o311.format_of, kwargs.values()) if f), "xml")
        try:
            document, status = view(**kwargs), 200
            headers = {"Cache-Control": f"public, max-age={document.max_age}" if document.max_age else "no-store"}
        except Exception as failure:
            error = _open311_error(failure)
            document, status, headers = error.document(), error.status, {**error.headers, "Cache-Control": "no-store"}
        body, content_type = o311.render(document, fmt)
        return Response(
            body=body,
            status_code=status,
            headers={"Content-Type": content_type, "X-Content-Type-Options": "nosniff", **headers},
        )

    return wrapper


@app.route(f"{OPEN311}/discovery.json", methods=["GET"], content_types=_ANY_BODY, cors=True)
@app.route(f"{OPEN311}/discovery.xml", methods=["GET"], content_types=_ANY_BODY, cors=True)
@open311
def open311_discovery():
    return open311_uc.discovery(services())


@app.route(f"{OPEN311}/services.json", methods=["GET"], content_types=_ANY_BODY, cors=True)
@app.route(f"{OPEN311}/services.xml", methods=["GET"], content_types=_ANY_BODY, cors=True)
@open311
def open311_services():
    return open311_uc.services_list(services(), _open311_params())


@app.route(f"{OPEN311}/services/{{service_file}}", methods=["GET"], content_types=_ANY_BODY, cors=True)
@open311
def open311_service_definition(service_file):
    """``services/kesehatan.puskesmas.json``: the code and the format share the last segment."""
    code, _ = o311.split_format(service_file)
    return open311_uc.service_definition(services(), code, _open311_params())


@app.route(f"{OPEN311}/requests.json", methods=["GET", "POST"], content_types=_ANY_BODY, cors=True)
@app.route(f"{OPEN311}/requests.xml", methods=["GET", "POST"], content_types=_ANY_BODY, cors=True)
@open311
def open311_requests():
    """GET: the public search. POST (form-encoded, with ``api_key``; optional ``Idempotency-Key``): a new request."""
    request = _request()
    if request.method == "GET":
        return open311_uc.search_requests(services(), _open311_params(), client=_client_address())
    if limits.body_too_large(request.raw_body):
        raise o311.too_large(limits.MAX_BODY_BYTES)
    form = o311.parse_form(request.raw_body, _header("content-type") or None)
    document, created = open311_uc.create_request(services(), form, idempotency_key=_header("idempotency-key") or None)
    logger.info(
        "open311 request created",
        extra={"tracking_number": document.data[0]["service_request_id"], "new_complaint": created},
    )
    return document


@app.route(f"{OPEN311}/requests/{{request_file}}", methods=["GET"], content_types=_ANY_BODY, cors=True)
@open311
def open311_request(request_file):
    service_request_id, _ = o311.split_format(request_file)
    return open311_uc.get_request(services(), service_request_id, _open311_params())


@app.route(f"{OPEN311}/tokens/{{token_file}}", methods=["GET"], content_types=_ANY_BODY, cors=True)
@open311
def open311_token(token_file):
    token, _ = o311.split_format(token_file)
    return open311_uc.resolve_token(services(), token, _open311_params())


@app.route("/staff/api-keys", methods=["GET"])
@api
def staff_api_keys():
    _staff(Action.MANAGE_API_KEYS)
    return _json(api_keys.list_keys(services()))


@app.route("/staff/api-keys", methods=["POST"], content_types=_ANY_BODY)
@api
def staff_issue_api_key():
    """A key for an Open311 client organisation: the answer is the only time the key is shown."""
    admin = _staff(Action.MANAGE_API_KEYS)
    issued = api_keys.issue_key(services(), _body(), by=admin.email)
    logger.info(
        "api key issued", extra={"by": admin.email, "key_id": issued["id"], "organisation": issued["organisation"]}
    )
    return _json(issued, status=201, headers={"Location": f"/staff/api-keys/{issued['id']}"})


@app.route("/staff/api-keys/{key_id}", methods=["DELETE"])
@api
def staff_revoke_api_key(key_id):
    admin = _staff(Action.MANAGE_API_KEYS)
    api_keys.revoke_key(services(), key_id, by=admin.email)
    logger.info("api key revoked", extra={"by": admin.email, "key_id": key_id})
    return Response(body="", status_code=204)


# -- the state machine's messages ---------------------------------------------------------------
def _handle_record(record: SQSRecord) -> None:
    message = json.loads(record.body)
    # Log what identifies the work, never the message itself: it carries a task token.
    with logger.append_context_keys(
        message_id=record.message_id,
        message_type=message.get("type"),
        complaint_id=message.get("complaint_id"),
        stage=message.get("stage"),
    ):
        try:
            handle_message(services(), message)
        except Exception as error:
            _retry_later(record, "handoff message failed", error)
            raise
        logger.info("handoff message handled")


def _retry_later(record: SQSRecord, what: str, error: Exception) -> None:
    """Log the failure and have the message come again after a backoff by its delivery count (seconds at
    first), not after the queue's whole visibility timeout; past the redrive limit it goes to the DLQ.
    A throttled call comes again within seconds (delivery.retry_delay). A failure that knows when to try
    again (an email another delivery is sending) waits at least that."""
    cfg = settings()
    throttled = delivery.is_throttling(error)
    delay = max(
        delivery.retry_delay(
            int(record.attributes.approximate_receive_count or 1),
            cfg.retry_first_seconds,
            cfg.retry_max_seconds,
            throttled=throttled,
        ),
        int(getattr(error, "retry_after", 0) or 0),
    )
    extra = {"retry_in_seconds": delay, "throttled": throttled}
    if getattr(error, "retry_after", None) is not None:  # expected under concurrency, not an error
        logger.info(f"{what}: {type(error).__name__}; SQS will deliver it again", extra=extra)
    elif throttled:  # a service shedding load: no stack trace, but seen
        logger.warning(f"{what}: throttled ({type(error).__name__}); SQS will deliver it again soon", extra=extra)
    else:
        logger.exception(f"{what}; SQS will deliver it again", extra=extra)
    try:
        delay_redelivery(record.event_source_arn, record.receipt_handle, delay)
    except Exception:  # the queue's visibility timeout applies instead
        logger.warning("could not set the retry backoff", exc_info=True)


@app.on_sqs_message(queue=HANDOFF_QUEUE, batch_size=10)
def on_handoff(event):
    """The state machine's messages. Failed records go back to the queue (ReportBatchItemFailures)."""
    return _process_batch("handoff", event.to_dict(), _handle_record, event.context)


# -- decisions, answers and reopenings, from the tables' streams, to the state machine ---------------
def change_kind(record: DynamoDBRecord) -> tuple[str | None, Mapping]:
    """What a stream record hands over (``delivery.change_of``: None for a change that hands nothing over,
    which the event source mapping's filter drops in AWS), and the item's new image."""
    change = record.dynamodb
    if change is None:
        return None, {}
    old, new = change.old_image or {}, change.new_image or {}
    return delivery.change_of(delivery.table_of(record.event_source_arn or ""), old, new), new


def _handle_change(record: DynamoDBRecord) -> None:
    kind, new = change_kind(record)
    if kind is None:
        return
    # What identifies the case, never the item: it holds task tokens and what people wrote.
    keys = {"complaint_id": str(new.get("complaint_id") or new.get("id")), "step": str(new.get("step", ""))}
    with logger.append_context_keys(change=kind, **keys):
        try:
            handed = delivery.deliver(services(), kind, new)
        except Exception:
            logger.exception("could not hand the change to the state machine; the stream delivers it again")
            raise
        logger.info("change handed to the state machine" if handed else "nothing waits on this change now")


@app.lambda_function(name="on_change")
def on_change(event, context):
    """DynamoDB stream records of work items and complaints (service/delivery.py). A failed record is
    reported (ReportBatchItemFailures) and comes again, with the ones after it, until it succeeds."""
    return _process_batch("changes", event, _handle_change, context)


# -- Cognito's pre sign-up trigger ---------------------------------------------------------------------
@app.lambda_function(name="pre_signup")
def pre_signup(event, context):
    """An account made straight at Cognito (SignUp with the public client id, skipping POST /auth/register)
    must obey the same field rules: a refusal here is Cognito's refusal (infra: the pool's PreSignUp trigger)."""
    request = event.get("request") or {}
    try:
        accounts.check_sign_up(request.get("userAttributes"))
    except DomainError as refused:
        fields = sorted({e.get("field", "") for e in getattr(refused, "errors", []) or []})
        logger.info("sign-up refused", extra={"trigger": event.get("triggerSource"), "fields": fields})
        raise ValueError(f"Data belum benar / Some data is not right: {', '.join(fields)}") from None
    return event


# -- monthly report ---------------------------------------------------------------------------------
@app.schedule(Cron(0, 0, "1-10", "*", "?", "*"), name="monthly_report")
def monthly_report(event):
    """Last month's SLA report to the supervisor's mailbox, on the first working day (service/monthly_report.py).

    Fires at 08:00 WITA (00:00 UTC) on days 1-10 of every month, and the use case decides whether
    today is the first working day: weekends, public holidays and cuti bersama can push that day to
    the 8th (Lebaran 2025: Idul Fitri on 31 March and 1 April, cuti bersama to 7 April; offices opened
    on the 8th), and ten days leave a margin. A month is claimed before its email goes out, so a
    second firing or a retry sends nothing. Invoked by hand, ``detail`` may carry ``{"month":
    "2026-10", "force": true}`` to send (again) that month's report (docs/operations.md).
    """
    from chalicelib.service.monthly_report import send_monthly_report  # on use, as the report route: openpyxl is heavy

    detail = event.detail if isinstance(event.detail, dict) else {}
    result = send_monthly_report(services(), month=detail.get("month"), force=detail.get("force") is True)
    logger.info("monthly report", extra={k: v for k, v in result.items() if k != "totals"})
    return result
