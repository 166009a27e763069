"""Citizens register and confirm their accounts; everyone logs in and may reset a forgotten password
(service/accounts.py, Cognito)."""

from __future__ import annotations

from chalice import Blueprint, Response

from ...service import accounts
from ..auth import client_address
from ..http import ANY_BODY, api, json_response, request_body
from ..process import configured, services

bp = Blueprint(__name__)


@bp.route("/auth/register", methods=["POST"], content_types=ANY_BODY)
@api
def register():
    configured(services().identity, "sign-in")
    return json_response(accounts.register(services(), request_body(), client=client_address()), status=201)


@bp.route("/auth/confirm", methods=["POST"], content_types=ANY_BODY)
@api
def confirm():
    accounts.confirm(configured(services().identity, "sign-in"), request_body())
    return Response(body="", status_code=204)


@bp.route("/auth/login", methods=["POST"], content_types=ANY_BODY)
@api
def login():
    return json_response(accounts.login(configured(services().identity, "sign-in"), request_body()))


@bp.route("/auth/forgot", methods=["POST"], content_types=ANY_BODY)
@api
def forgot_password():
    """A reset code for the address, if it has an account: 202 and the same body for any address."""
    configured(services().identity, "sign-in")
    return json_response(accounts.forgot_password(services(), request_body(), client=client_address()), status=202)


@bp.route("/auth/reset", methods=["POST"], content_types=ANY_BODY)
@api
def reset_password():
    configured(services().identity, "sign-in")
    accounts.reset_password(services(), request_body(), client=client_address())
    return Response(body="", status_code=204)
