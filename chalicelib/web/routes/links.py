"""The links emails carry: a citizen's rating link and a member of staff's action link. A GET only
describes (mail scanners open links); the page's POST records."""

from __future__ import annotations

from chalice import Blueprint, Response

from ...rendering import render_page
from ...service import actions, decide, followup
from ..http import ANY_BODY, FORM, api, header, json_response, message_page, page, params, request_body
from ..process import logger, services

bp = Blueprint(__name__)


# -- rating links (from the reply email) ----------------------------------------------------
@bp.route("/ratings/{link_token}", methods=["GET"])
@api
def show_rating(link_token):
    """The rating page. Records nothing: mail scanners open links; only the page's POST rates."""
    described = followup.describe_rating(services(), link_token)
    score = params().get("score", "")
    return page(render_page("rating", {"r": described, "score": score if score in ("1", "2", "3", "4", "5") else ""}))


@bp.route("/ratings/{link_token}", methods=["POST"], content_types=ANY_BODY)
@api
def post_rating(link_token):
    rating = followup.rate_by_link(services(), link_token, request_body(form=True))
    logger.info("reply rated by link", extra={"score": rating["score"]})
    if header("content-type").startswith(FORM):
        return message_page(
            True,
            ("Terima kasih atas penilaian Anda", "Thank you for your rating"),
            (
                f"Nilai {rating['score']} dari 5 tersimpan. Masukan Anda membantu kami memperbaiki layanan.",
                f"Your score of {rating['score']} out of 5 is recorded. It helps us improve the service.",
            ),
            201,
        )
    return json_response(rating, status=201)


# -- staff action links ---------------------------------------------------------------------
def _action_page(described: dict, check: dict | None = None, prefill: dict | None = None) -> Response:
    """The action page (no script). It shows the case's photos, fetched from the bucket's short-lived links."""
    response = page(render_page("action", {"a": described, "check": check, "prefill": prefill}))
    uploads = services().uploads
    images = f" {uploads.origin}" if uploads is not None else ""
    response.headers["Content-Security-Policy"] = (
        f"default-src 'self'; script-src 'self'; style-src 'unsafe-inline'; img-src 'self'{images}; "
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )
    return response


@bp.route("/actions/{link_token}", methods=["GET"])
@api
def show_action(link_token):
    """Describe the pending decision. Never changes anything (mail scanners prefetch links)."""
    described = actions.describe_action(services(), link_token)
    if "application/json" in header("accept"):
        return json_response(described)
    return _action_page(described)


@bp.route("/actions/{link_token}", methods=["POST"], content_types=ANY_BODY)
@api
def perform_action(link_token):
    """Record the decision. The page's form (form-encoded) first shows a decision nobody can take back
    once more ("Periksa sebelum mengirim") and records it only with ``confirm=1``; ``confirm=edit`` shows
    the forms again with what was entered. A JSON client decides at once, as before."""
    svc = services()
    payload = request_body(form=True)
    form = header("content-type").startswith(FORM)
    if form:
        choice = payload.pop("confirm", "")
        if choice == "edit":
            described = actions.describe_action(svc, link_token)
            return _action_page(described, prefill=actions.prefill(described, payload))
        if choice != "1":
            check = actions.check_before_deciding(svc, link_token, payload)
            if check is not None:
                return _action_page(actions.describe_action(svc, link_token), check=check)
    result = decide.decide_by_link(svc, link_token, payload)
    logger.info("decision recorded", extra={"stage": result["stage"], "outcome": result["outcome"]})
    if form:
        done = actions.after_decision(svc, link_token, result, payload)
        return message_page(
            True,
            ("Keputusan tersimpan", "Decision recorded"),
            (
                f"{done['tracking_number']}, {done['stage']['id']}: {done['outcome']['id']}. {done['happens']['id']}",
                f"{done['tracking_number']}, {done['stage']['en']}: {done['outcome']['en']}. {done['happens']['en']}",
            ),
            link=(done["console_url"], "Buka laporan di konsol staf", "Open the case in the staff console"),
        )
    return json_response(result)
