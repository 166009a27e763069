"""A citizen's own complaints: submit, list, read, answer a question, rate the reply, reopen."""

from __future__ import annotations

from chalice import Blueprint

from ...service import complaints, followup
from .. import auth
from ..http import ANY_BODY, api, header, json_response, limit, params, request_body
from ..process import logger, services

bp = Blueprint(__name__)


@bp.route("/complaints", methods=["POST"], content_types=ANY_BODY)
@api
def submit_complaint():
    citizen = auth.citizen(submitting=True)
    key = header("idempotency-key") or None
    view, created = complaints.submit_complaint(services(), citizen, request_body(), idempotency_key=key)
    logger.info("complaint submitted", extra={"complaint_id": view["id"], "new_complaint": created})
    return json_response(view, status=201 if created else 200, headers={"Location": f"/complaints/{view['id']}"})


@bp.route("/complaints", methods=["GET"])
@api
def list_complaints():
    citizen = auth.citizen()
    query = params()
    return json_response(complaints.list_complaints(services(), citizen.id, limit(query), query.get("next_token")))


@bp.route("/complaints/{complaint_id}", methods=["GET"])
@api
def get_complaint(complaint_id):
    citizen = auth.citizen()
    return json_response(complaints.get_complaint(services(), complaint_id, citizen.id))


@bp.route("/complaints/{complaint_id}/information", methods=["POST"], content_types=ANY_BODY)
@api
def answer_question(complaint_id):
    """The citizen answers the question a stage asked; the stage resumes with the time it had left."""
    citizen = auth.citizen()
    result = followup.answer_as_citizen(services(), complaint_id, citizen.id, request_body())
    logger.info("citizen answered a question", extra={"complaint_id": complaint_id, "stage": result["stage"]})
    return json_response(complaints.get_complaint(services(), complaint_id, citizen.id))


@bp.route("/complaints/{complaint_id}/rating", methods=["POST"], content_types=ANY_BODY)
@api
def rate_complaint(complaint_id):
    citizen = auth.citizen()
    rating = followup.rate_as_citizen(services(), complaint_id, citizen.id, request_body())
    logger.info("citizen rated a reply", extra={"complaint_id": complaint_id, "score": rating["score"]})
    return json_response(rating, status=201)


@bp.route("/complaints/{complaint_id}/reopen", methods=["POST"], content_types=ANY_BODY)
@api
def reopen_complaint(complaint_id):
    """Not solved: within the feedback window the case goes back to classification (at most twice)."""
    citizen = auth.citizen()
    result = followup.reopen(services(), complaint_id, citizen.id, request_body())
    logger.info("citizen reopened a case", extra={"complaint_id": complaint_id, "round": result["round"]})
    return json_response(complaints.get_complaint(services(), complaint_id, citizen.id))
