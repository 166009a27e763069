"""Staff: the console page, and the JSON routes it reads -- who is signed in, queues, cases, decisions,
complaints entered for people who came another way, and the admins' members and Open311 clients' keys.
Each route names the action it needs (domain/roles.py); ``auth.staff`` refuses everyone else."""

from __future__ import annotations

from urllib.parse import quote, unquote

from chalice import Blueprint, Response

from ...domain import sop
from ...domain.roles import Action
from ...rendering import render_page
from ...service import api_keys, case_list, complaints, members, reply_templates, staff
from .. import auth
from ..http import ANY_BODY, api, header, json_response, limit, page, params, request_body, script_json
from ..process import configured, logger, services
from .public import asset_url

bp = Blueprint(__name__)


# -- the console page (GET /staff) ---------------------------------------------------------
@bp.route("/staff", methods=["GET"])
@api
def staff_console():
    """The staff console: one page; what it shows comes from the JSON routes under /staff/... ."""
    lang = params().get("lang", "id")
    stages = {
        s.name: {
            "id": s.label_id,
            "en": s.label_en,
            "outcomes": {o.name: {"id": o.label_id, "en": o.label_en} for o in s.outcomes},
        }
        for s in sop.STAGES
    }
    response = page(
        render_page(
            "staff",
            {
                "lang": "en" if lang == "en" else "id",
                "stages_json": script_json(stages),  # inside a <script type="application/json">
                "api_url": asset_url("api.js"),
                "script_url": asset_url("staff.js"),
            },
        )
    )
    response.headers["Content-Security-Policy"] = _console_policy()
    return response


def _console_policy() -> str:
    """Only our own scripts run (no inline script); attachments' images are shown from the bucket."""
    uploads = services().uploads
    images = f" {uploads.origin}" if uploads is not None else ""
    return (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        f"img-src 'self'{images}; connect-src 'self'; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )


# -- members (admin) -----------------------------------------------------------------------
@bp.route("/staff/members", methods=["GET"])
@api
def staff_members():
    auth.staff(Action.MANAGE_MEMBERS)
    return json_response(members.list_members(configured(services().directory, "staff accounts")))


@bp.route("/staff/members", methods=["POST"], content_types=ANY_BODY)
@api
def staff_invite_member():
    admin = auth.staff(Action.MANAGE_MEMBERS)
    member = members.invite_member(services(), request_body())
    logger.info(
        "staff member invited", extra={"by": admin.email, "member": member["email"], "groups": member["groups"]}
    )
    return json_response(member, status=201, headers={"Location": f"/staff/members/{quote(member['email'])}"})


@bp.route("/staff/members/{email}", methods=["DELETE"])
@api
def staff_disable_member(email):
    admin = auth.staff(Action.MANAGE_MEMBERS)
    members.disable(services(), unquote(email), by=admin.email)  # their tokens are refused at once (access.py)
    logger.info("staff member disabled", extra={"by": admin.email, "member": unquote(email).lower()})
    return Response(body="", status_code=204)


@bp.route("/staff/members/{email}/enable", methods=["POST"], content_types=ANY_BODY)
@api
def staff_enable_member(email):
    admin = auth.staff(Action.MANAGE_MEMBERS)
    members.enable(services(), unquote(email))
    logger.info("staff member enabled", extra={"by": admin.email, "member": unquote(email).lower()})
    return Response(body="", status_code=204)


# -- queues, cases, decisions, entered complaints -------------------------------------------
@bp.route("/staff/me", methods=["GET"])
@api
def staff_me():
    """Who is signed in, with which roles and permissions (the console shows what they may use)."""
    return json_response(staff.me(services(), auth.staff(Action.READ_QUEUE)))


@bp.route("/staff/work-items", methods=["GET"])
@api
def staff_work_items():
    member = auth.staff(Action.READ_QUEUE)
    query = params()
    return json_response(
        staff.work_queue(services(), member, query.get("state", "open"), limit(query), query.get("next_token"))
    )


@bp.route("/staff/complaints", methods=["GET"])
@api
def staff_find_complaints():
    """With ``tracking_number``: that case (search by a spoken number); without: the case list (filters)."""
    member = auth.staff(Action.READ_CASE)
    query = params()
    if "tracking_number" not in query:
        return json_response(case_list.list_cases(services(), member, query))
    return json_response(staff.find_by_tracking_number(services(), member, query.get("tracking_number")))


@bp.route("/staff/complaints", methods=["POST"], content_types=ANY_BODY)
@api
def staff_enter_complaint():
    """A complaint that came by phone, in person, by letter, WhatsApp, ...: the same SOP from here."""
    member = auth.staff(Action.ENTER_COMPLAINT)
    key = header("idempotency-key") or None
    complaint, created = complaints.enter_complaint(services(), member, request_body(), idempotency_key=key)
    logger.info(
        "complaint entered by staff",
        extra={"complaint_id": complaint.id, "channel": complaint.channel, "new_complaint": created},
    )
    return json_response(
        staff.staff_case(services(), member, complaint.id),
        status=201 if created else 200,
        headers={"Location": f"/staff/complaints/{complaint.id}"},
    )


@bp.route("/staff/complaints/{complaint_id}", methods=["GET"])
@api
def staff_get_complaint(complaint_id):
    return json_response(staff.staff_case(services(), auth.staff(Action.READ_CASE), complaint_id))


@bp.route("/staff/complaints/{complaint_id}/information", methods=["POST"], content_types=ANY_BODY)
@api
def staff_answer_for_reporter(complaint_id):
    """An operator records the answer a reporter gave by phone, in person or by letter."""
    member = auth.staff(Action.ENTER_COMPLAINT)
    staff.answer_for_reporter(services(), member, complaint_id, request_body())
    logger.info("answer recorded for a reporter", extra={"complaint_id": complaint_id, "by": member.email})
    return json_response(staff.staff_case(services(), member, complaint_id))


@bp.route("/staff/complaints/{complaint_id}/decision", methods=["POST"], content_types=ANY_BODY)
@api
def staff_decide(complaint_id):
    result = staff.decide_as_staff(services(), auth.staff(Action.DECIDE), complaint_id, request_body())
    logger.info(
        "decision recorded from the console",
        extra={"complaint_id": complaint_id, "stage": result["stage"], "outcome": result["outcome"]},
    )
    return json_response(result)


# -- Open311 clients' keys (admin; service/api_keys.py) ----------------------------------------------
@bp.route("/staff/api-keys", methods=["GET"])
@api
def staff_api_keys():
    auth.staff(Action.MANAGE_API_KEYS)
    return json_response(api_keys.list_keys(services()))


@bp.route("/staff/api-keys", methods=["POST"], content_types=ANY_BODY)
@api
def staff_issue_api_key():
    """A key for an Open311 client organisation: the answer is the only time the key is shown."""
    admin = auth.staff(Action.MANAGE_API_KEYS)
    issued = api_keys.issue_key(services(), request_body(), by=admin.email)
    logger.info(
        "api key issued", extra={"by": admin.email, "key_id": issued["id"], "organisation": issued["organisation"]}
    )
    return json_response(issued, status=201, headers={"Location": f"/staff/api-keys/{issued['id']}"})


@bp.route("/staff/api-keys/{key_id}", methods=["DELETE"])
@api
def staff_revoke_api_key(key_id):
    admin = auth.staff(Action.MANAGE_API_KEYS)
    api_keys.revoke_key(services(), key_id, by=admin.email)
    logger.info("api key revoked", extra={"by": admin.email, "key_id": key_id})
    return Response(body="", status_code=204)


# -- reply templates (read: staff; write: Diskominfo, admin; service/reply_templates.py) ----------------------
@bp.route("/staff/templates", methods=["GET"])
@api
def staff_templates():
    auth.staff(Action.READ_CASE)
    query = params()
    return json_response(reply_templates.list_templates(services(), query.get("stage"), query.get("category")))


@bp.route("/staff/templates", methods=["POST"], content_types=ANY_BODY)
@api
def staff_create_template():
    member = auth.staff(Action.MANAGE_TEMPLATES)
    template = reply_templates.create_template(services(), request_body(), by=member.email)
    logger.info("reply template created", extra={"by": member.email, "template_id": template["id"]})
    return json_response(template, status=201, headers={"Location": f"/staff/templates/{template['id']}"})


@bp.route("/staff/templates/{template_id}", methods=["PUT"], content_types=ANY_BODY)
@api
def staff_update_template(template_id):
    member = auth.staff(Action.MANAGE_TEMPLATES)
    template = reply_templates.update_template(services(), template_id, request_body(), by=member.email)
    logger.info("reply template changed", extra={"by": member.email, "template_id": template_id})
    return json_response(template)


@bp.route("/staff/templates/{template_id}", methods=["DELETE"])
@api
def staff_delete_template(template_id):
    member = auth.staff(Action.MANAGE_TEMPLATES)
    reply_templates.delete_template(services(), template_id)
    logger.info("reply template deleted", extra={"by": member.email, "template_id": template_id})
    return Response(body="", status_code=204)
