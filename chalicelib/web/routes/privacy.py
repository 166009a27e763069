"""Personal data rights, UU PDP (service/privacy.py, docs/privacy.md): a copy of one's data, a
correction, the account's closing."""

from __future__ import annotations

import json

from chalice import Blueprint, Response

from ...service import privacy
from .. import auth
from ..http import ANY_BODY, api, json_response, request_body
from ..process import logger, services

bp = Blueprint(__name__)


def _account_holder(closing: bool = False) -> tuple[str, str, str, bool]:
    """The caller's (sub, Cognito username, email, whether a member of staff) from their verified ID token.
    ``closing``: the account's own closure may finish with the token its first attempt revoked (a retry)."""
    claims = auth.verified_claims() if closing else auth.active(auth.verified_claims())
    email = claims.get("email", "")
    return claims["sub"], claims.get("cognito:username") or email or claims["sub"], email, auth.member(claims).is_staff


@bp.route("/me/data", methods=["GET"])
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


@bp.route("/me", methods=["PATCH"], content_types=ANY_BODY)
@api
def correct_me():
    """Correct the caller's name and/or phone (account and reporter fields of their complaints)."""
    sub, username, _, _ = _account_holder()
    result = privacy.correct(services(), sub, username, request_body())
    logger.info("personal data corrected", extra={"complaints": result["complaints_corrected"]})
    return json_response(result)


@bp.route("/me", methods=["DELETE"], content_types=ANY_BODY)
@api
def close_me():
    """Close the caller's account: erase their personal data, then delete the account. Body: {"email"}."""
    sub, username, email, is_staff = _account_holder(closing=True)
    result = privacy.close_account(services(), sub, username, email, request_body(), staff=is_staff)
    logger.info("account closed", extra=result)
    return Response(body="", status_code=204, headers={"Cache-Control": "no-store"})
