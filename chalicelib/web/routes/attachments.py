"""A citizen adds a photo or document to their complaint (service/attachments.py); the uploads consumer
(web/consumers.py) checks what lands in the bucket."""

from __future__ import annotations

from chalice import Blueprint

from ...service import attachments
from .. import auth
from ..http import ANY_BODY, api, json_response, request_body
from ..process import logger, services

bp = Blueprint(__name__)


@bp.route("/complaints/{complaint_id}/attachments", methods=["POST"], content_types=ANY_BODY)
@api
def request_attachment_upload(complaint_id):
    """A slot for one photo or document and an S3 presigned POST: the browser uploads straight to S3."""
    citizen = auth.citizen()
    result = attachments.request_upload(services(), citizen.id, complaint_id, request_body())
    logger.info("attachment upload requested", extra={"complaint_id": complaint_id, "attachment_id": result["id"]})
    return json_response(result, status=201, headers={"Location": f"/complaints/{complaint_id}"})
