"""Aspirasi Kaltim: the Chalice app. Handlers are thin: parse, log, measure, call a use case."""

from __future__ import annotations

import functools
import json
import os
from functools import lru_cache
from urllib.parse import parse_qsl, quote, unquote

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from chalice import Chalice, Response

from chalicelib.config import settings
from chalicelib.domain import catalog, sop
from chalicelib.domain.errors import DomainError, Forbidden, Unauthorized
from chalicelib.domain.staff import Action, StaffMember
from chalicelib.rendering import render_page
from chalicelib.service import accounts, actions, complaints, decide, followup, members, staff
from chalicelib.service.complaints import Citizen
from chalicelib.service.ports import Services, build_services
from chalicelib.service.stages import handle_message
from chalicelib.adapters.uploads import landed_objects
from chalicelib.service import attachments as attachment_uc
from chalicelib.web.problems import CONTENT_TYPE as PROBLEM_JSON
from chalicelib.web.problems import problem, problem_for

app = Chalice(app_name="aspirasi-kaltim")
logger = Logger(service="aspirasi-kaltim")
HANDOFF_QUEUE = os.environ.get("HANDOFF_QUEUE_NAME", "aspirasi-kaltim-handoff")
_processor = BatchProcessor(event_type=EventType.SQS)
UPLOADS_QUEUE = os.environ.get("UPLOADS_QUEUE_NAME", "aspirasi-kaltim-uploads")
_upload_processor = BatchProcessor(event_type=EventType.SQS)  # its own: the local stack polls both queues at once
_JSON_OR_FORM = ["application/json", "application/x-www-form-urlencoded"]
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


@lru_cache(maxsize=1)
def services() -> Services:
    return build_services(settings())


class BadRequest(Exception):
    """The body could not be read as JSON."""


# -- request and response helpers ----------------------------------------------------
def _wants_html() -> bool:
    accept = (app.current_request.headers or {}).get("accept", "")
    return "text/html" in accept and "application/json" not in accept


def _json(body, status: int = 200, headers: dict | None = None) -> Response:
    return Response(body=json.dumps(body, ensure_ascii=False), status_code=status,
                    headers={"Content-Type": "application/json", "Cache-Control": "no-store", **(headers or {})})


def _page(html: str, status: int = 200) -> Response:
    return Response(body=html, status_code=status, headers=dict(_PAGE_HEADERS))


def _problem_response(status: int, body: dict) -> Response:
    if _wants_html():
        title_id, _, title_en = body["title"].partition(" / ")
        detail_id, _, detail_en = body["detail"].partition(" / ")
        return _page(render_page("message", {"ok": False, "title_id": title_id, "title_en": title_en,
                                             "text_id": detail_id, "text_en": detail_en}), status)
    headers = {"Content-Type": PROBLEM_JSON, "Cache-Control": "no-store"}
    if status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="aspirasi-kaltim"'
    return Response(body=json.dumps(body, ensure_ascii=False), status_code=status, headers=headers)


def _body() -> dict:
    """The request body as a dict, from JSON or an HTML form."""
    request = app.current_request
    raw = request.raw_body or b""
    content_type = (request.headers or {}).get("content-type", "")
    if content_type.startswith("application/x-www-form-urlencoded"):
        return dict(parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True))
    if not raw.strip():
        return {}
    try:
        return json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadRequest() from None


def _limit(params: dict, default: int = 20) -> int:
    """The page size asked for (a malformed one gets the default; the use case bounds it)."""
    try:
        return int(params.get("limit", default))
    except ValueError:
        return default


def api(view):
    """Turn domain errors into problem documents, and anything unexpected into a 500 that logs."""
    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        path = getattr(app.current_request, "path", None)
        try:
            return view(*args, **kwargs)
        except DomainError as error:
            return _problem_response(*problem_for(error, path))
        except BadRequest:
            return _problem_response(*problem("bad_request", path))
        except Exception:
            logger.exception("request failed", extra={"route": path})
            return _problem_response(*problem("internal", path))
    return wrapper


def _claims() -> dict:
    """The caller's verified Cognito ID token claims (signature, expiry, audience, token use)."""
    header = (app.current_request.headers or {}).get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("missing token")
    return services().verifier.verify(token.strip())


def _citizen() -> Citizen:
    claims = _claims()
    return Citizen(id=claims["sub"], email=claims.get("email", ""), name=claims.get("name"),
                   phone=claims.get("phone_number"))


def _staff(action: Action) -> StaffMember:
    """The caller as a member of staff allowed ``action`` (401 without a token, 403 otherwise)."""
    claims = _claims()
    groups = claims.get("cognito:groups") or []
    member = StaffMember(email=claims.get("email", ""), groups=frozenset(g for g in groups if isinstance(g, str)))
    if not member.may(action):
        raise Forbidden("staff only" if not member.is_staff else f"not allowed: {action.value}")
    # An address changed but not yet verified must not name the person in the audit trail.
    if claims.get("email_verified") in (False, "false") or not member.email:
        raise Forbidden("verified email required")
    if not services().account_status.enabled(claims.get("cognito:username") or claims["sub"]):
        raise Unauthorized("account disabled")
    return member


# -- citizens -------------------------------------------------------------------------------
@app.route("/", methods=["GET"])
@api
def index():
    lang = (app.current_request.query_params or {}).get("lang", "id")
    stages = {s.name: {"id": s.label_id, "en": s.label_en} for s in sop.STAGES}
    page = _page(render_page("index", {
        "lang": "en" if lang == "en" else "id",
        # JSON inside a <script>: no "<" can close the element early.
        "stages_json": json.dumps(stages).replace("<", "\\u003c"),
    }))
    if services().uploads is not None:  # attachments: the browser uploads straight to the bucket
        page.headers["Content-Security-Policy"] += f"; connect-src 'self' {services().uploads.origin}"
    return page


@app.route("/auth/register", methods=["POST"], content_types=["application/json"])
@api
def register():
    return _json(accounts.register(services().identity, _body()), status=201)


@app.route("/auth/confirm", methods=["POST"], content_types=["application/json"])
@api
def confirm():
    accounts.confirm(services().identity, _body())
    return Response(body="", status_code=204)


@app.route("/auth/login", methods=["POST"], content_types=["application/json"])
@api
def login():
    return _json(accounts.login(services().identity, _body()))


@app.route("/categories", methods=["GET"])
@api
def categories():
    return _json(catalog.as_json(), headers={"Cache-Control": "public, max-age=3600"})


@app.route("/complaints", methods=["POST"], content_types=["application/json"])
@api
def submit_complaint():
    citizen = _citizen()
    key = (app.current_request.headers or {}).get("idempotency-key")
    view, created = complaints.submit_complaint(services(), citizen, _body(), idempotency_key=key)
    logger.info("complaint submitted", extra={"complaint_id": view["id"], "new_complaint": created})
    return _json(view, status=201 if created else 200, headers={"Location": f"/complaints/{view['id']}"})


@app.route("/complaints", methods=["GET"])
@api
def list_complaints():
    citizen = _citizen()
    params = app.current_request.query_params or {}
    return _json(complaints.list_complaints(services(), citizen.id, _limit(params), params.get("next_token")))


@app.route("/complaints/{complaint_id}", methods=["GET"])
@api
def get_complaint(complaint_id):
    citizen = _citizen()
    return _json(complaints.get_complaint(services(), complaint_id, citizen.id))


@app.route("/complaints/{complaint_id}/information", methods=["POST"], content_types=["application/json"])
@api
def answer_question(complaint_id):
    """The citizen answers the question a stage asked; the stage resumes with the time it had left."""
    citizen = _citizen()
    result = followup.answer_as_citizen(services(), complaint_id, citizen.id, _body())
    logger.info("citizen answered a question", extra={"complaint_id": complaint_id, "stage": result["stage"]})
    return _json(complaints.get_complaint(services(), complaint_id, citizen.id))


@app.route("/complaints/{complaint_id}/rating", methods=["POST"], content_types=["application/json"])
@api
def rate_complaint(complaint_id):
    citizen = _citizen()
    rating = followup.rate_as_citizen(services(), complaint_id, citizen.id, _body())
    logger.info("citizen rated a reply", extra={"complaint_id": complaint_id, "score": rating["score"]})
    return _json(rating, status=201)


@app.route("/complaints/{complaint_id}/reopen", methods=["POST"], content_types=["application/json"])
@api
def reopen_complaint(complaint_id):
    """Not solved: within the feedback window the case goes back to classification (at most twice)."""
    citizen = _citizen()
    result = followup.reopen(services(), complaint_id, citizen.id, _body())
    logger.info("citizen reopened a case", extra={"complaint_id": complaint_id, "round": result["round"]})
    return _json(complaints.get_complaint(services(), complaint_id, citizen.id))


# -- rating links (from the reply email) ----------------------------------------------------
@app.route("/ratings/{link_token}", methods=["GET"])
@api
def show_rating(link_token):
    """The rating page. Records nothing: mail scanners open links; only the page's POST rates."""
    described = followup.describe_rating(services(), link_token)
    score = (app.current_request.query_params or {}).get("score", "")
    return _page(render_page("rating", {"r": described, "score": score if score in ("1", "2", "3", "4", "5") else ""}))


@app.route("/ratings/{link_token}", methods=["POST"], content_types=_JSON_OR_FORM)
@api
def post_rating(link_token):
    rating = followup.rate_by_link(services(), link_token, _body())
    logger.info("reply rated by link", extra={"score": rating["score"]})
    if (app.current_request.headers or {}).get("content-type", "").startswith("application/x-www-form-urlencoded"):
        return _page(render_page("message", {
            "ok": True, "title_id": "Terima kasih atas penilaian Anda", "title_en": "Thank you for your rating",
            "text_id": f"Nilai {rating['score']} dari 5 tersimpan. Masukan Anda membantu kami memperbaiki layanan.",
            "text_en": f"Your score of {rating['score']} out of 5 is recorded. It helps us improve the service.",
        }), 201)
    return _json(rating, status=201)


# -- staff action links ---------------------------------------------------------------------
@app.route("/actions/{link_token}", methods=["GET"])
@api
def show_action(link_token):
    """Describe the pending decision. Never changes anything (mail scanners prefetch links)."""
    described = actions.describe_action(services(), link_token)
    if "application/json" in (app.current_request.headers or {}).get("accept", ""):
        return _json(described)
    return _page(render_page("action", {"a": described}))


@app.route("/actions/{link_token}", methods=["POST"], content_types=_JSON_OR_FORM)
@api
def perform_action(link_token):
    result = decide.decide_by_link(services(), link_token, _body())
    logger.info("decision recorded", extra={"stage": result["stage"], "outcome": result["outcome"]})
    if (app.current_request.headers or {}).get("content-type", "").startswith("application/x-www-form-urlencoded"):
        stage = sop.stage(result["stage"])
        return _page(render_page("message", {
            "ok": True, "title_id": "Keputusan tersimpan", "title_en": "Decision recorded",
            "text_id": f"{stage.label_id}: {result['outcome']}. Terima kasih; tahap berikutnya sudah diberi tahu.",
            "text_en": f"{stage.label_en}: {result['outcome']}. Thank you; the next stage has been notified.",
        }))
    return _json(result)


# -- staff: console page (GET /staff) ------------------------------------------------------
@app.route("/staff", methods=["GET"])
@api
def staff_console():
    """The staff console: one page; what it shows comes from the JSON routes under /staff/... ."""
    lang = (app.current_request.query_params or {}).get("lang", "id")
    stages = {s.name: {"id": s.label_id, "en": s.label_en,
                       "outcomes": {o.name: {"id": o.label_id, "en": o.label_en} for o in s.outcomes}}
              for s in sop.STAGES}
    return _page(render_page("staff", {
        "lang": "en" if lang == "en" else "id",
        # JSON inside a <script>: no "<" can close the element early.
        "stages_json": json.dumps(stages).replace("<", "\\u003c"),
    }))


# -- staff: members (admin) -----------------------------------------------------------------
@app.route("/staff/members", methods=["GET"])
@api
def staff_members():
    _staff(Action.MANAGE_MEMBERS)
    return _json(members.list_members(services().directory))


@app.route("/staff/members", methods=["POST"], content_types=["application/json"])
@api
def staff_invite_member():
    admin = _staff(Action.MANAGE_MEMBERS)
    member = members.invite_member(services(), _body())
    logger.info("staff member invited", extra={"by": admin.email, "member": member["email"],
                                               "groups": member["groups"]})
    return _json(member, status=201, headers={"Location": f"/staff/members/{quote(member['email'])}"})


@app.route("/staff/members/{email}", methods=["DELETE"])
@api
def staff_disable_member(email):
    admin = _staff(Action.MANAGE_MEMBERS)
    members.disable_member(services().directory, unquote(email))
    services().account_status.forget()  # this process shuts the member out at once
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
    params = app.current_request.query_params or {}
    return _json(staff.work_queue(services(), member, params.get("state", "open"), _limit(params),
                                  params.get("next_token")))


@app.route("/staff/complaints", methods=["GET"])
@api
def staff_find_complaints():
    member = _staff(Action.READ_CASE)
    params = app.current_request.query_params or {}
    return _json(staff.find_by_tracking_number(services(), member, params.get("tracking_number")))


@app.route("/staff/complaints", methods=["POST"], content_types=["application/json"])
@api
def staff_enter_complaint():
    """A complaint that came by phone, in person, by letter, WhatsApp, ...: the same SOP from here."""
    member = _staff(Action.ENTER_COMPLAINT)
    key = (app.current_request.headers or {}).get("idempotency-key")
    complaint, created = complaints.enter_complaint(services(), member, _body(), idempotency_key=key)
    logger.info("complaint entered by staff", extra={"complaint_id": complaint.id, "channel": complaint.channel,
                                                      "new_complaint": created})
    return _json(staff.staff_case(services(), member, complaint.id), status=201 if created else 200,
                 headers={"Location": f"/staff/complaints/{complaint.id}"})


@app.route("/staff/complaints/{complaint_id}", methods=["GET"])
@api
def staff_get_complaint(complaint_id):
    return _json(staff.staff_case(services(), _staff(Action.READ_CASE), complaint_id))


@app.route("/staff/complaints/{complaint_id}/information", methods=["POST"], content_types=["application/json"])
@api
def staff_answer_for_reporter(complaint_id):
    """An operator records the answer a reporter gave by phone, in person or by letter."""
    member = _staff(Action.ENTER_COMPLAINT)
    staff.answer_for_reporter(services(), member, complaint_id, _body())
    logger.info("answer recorded for a reporter", extra={"complaint_id": complaint_id, "by": member.email})
    return _json(staff.staff_case(services(), member, complaint_id))


@app.route("/staff/complaints/{complaint_id}/decision", methods=["POST"], content_types=["application/json"])
@api
def staff_decide(complaint_id):
    result = staff.decide_as_staff(services(), _staff(Action.DECIDE), complaint_id, _body())
    logger.info("decision recorded from the console", extra={"complaint_id": complaint_id, "stage": result["stage"],
                                                              "outcome": result["outcome"]})
    return _json(result)




# -- attachments (service/attachments.py) ---------------------------------------------------------
@app.route("/complaints/{complaint_id}/attachments", methods=["POST"], content_types=["application/json"])
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
            except Exception:
                logger.exception("upload check failed; SQS will deliver it again")
                raise
            logger.info("upload checked", extra={"outcome": outcome})


@app.on_sqs_message(queue=UPLOADS_QUEUE, batch_size=10)
def on_upload(event):
    """S3's ObjectCreated events for attachments. Failed records go back to the queue (ReportBatchItemFailures)."""
    return process_partial_response(event=event.to_dict(), record_handler=_handle_upload_record,
                                    processor=_upload_processor, context=event.context)


# -- the state machine's messages ---------------------------------------------------------------
def _handle_record(record: SQSRecord) -> None:
    message = json.loads(record.body)
    # Log what identifies the work, never the message itself: it carries a task token.
    with logger.append_context_keys(message_id=record.message_id, message_type=message.get("type"),
                                    complaint_id=message.get("complaint_id"), stage=message.get("stage")):
        try:
            handle_message(services(), message)
        except Exception:
            logger.exception("handoff message failed; SQS will deliver it again")
            raise
        logger.info("handoff message handled")


@app.on_sqs_message(queue=HANDOFF_QUEUE, batch_size=10)
def on_handoff(event):
    """The state machine's messages. Failed records go back to the queue (ReportBatchItemFailures)."""
    return process_partial_response(event=event.to_dict(), record_handler=_handle_record,
                                    processor=_processor, context=event.context)
