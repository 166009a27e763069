"""The links emails carry: a citizen's rating link and a member of staff's action link. A GET only
describes (mail scanners open links); the page's POST records."""

from __future__ import annotations

from chalice import Blueprint

from ...domain import sop
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
@bp.route("/actions/{link_token}", methods=["GET"])
@api
def show_action(link_token):
    """Describe the pending decision. Never changes anything (mail scanners prefetch links)."""
    described = actions.describe_action(services(), link_token)
    if "application/json" in header("accept"):
        return json_response(described)
    return page(render_page("action", {"a": described}))


@bp.route("/actions/{link_token}", methods=["POST"], content_types=ANY_BODY)
@api
def perform_action(link_token):
    result = decide.decide_by_link(services(), link_token, request_body(form=True))
    logger.info("decision recorded", extra={"stage": result["stage"], "outcome": result["outcome"]})
    if header("content-type").startswith(FORM):
        stage = sop.stage(result["stage"])
        return message_page(
            True,
            ("Keputusan tersimpan", "Decision recorded"),
            (
                f"{stage.label_id}: {result['outcome']}. Terima kasih; tahap berikutnya segera diberi tahu.",
                f"{stage.label_en}: {result['outcome']}. Thank you; the next stage is being notified.",
            ),
        )
    return json_response(result)
