"""The WhatsApp Cloud API webhook (docs/operations.md#whatsapp): Meta's verification handshake, and its POSTs,
checked against their signature over the raw bytes and queued whole for the WhatsApp consumer
(app.on_whatsapp). The POST answers at once: Meta retries a slow or failed webhook for a day."""

from __future__ import annotations

import hmac

from chalice import Blueprint, Response

from ...adapters.queue import send_whatsapp_delivery
from ...adapters.secrets import whatsapp_secrets
from ...config import settings
from ...domain import limits
from ...domain.whatsapp_webhook import signature_valid
from ..http import ANY_BODY, api, header, params, problem_response, request
from ..problems import problem
from ..process import logger

bp = Blueprint(__name__)
WEBHOOK = "/channels/whatsapp/webhook"


def _channel_on() -> bool:
    """The channel is on where the deployment names its WhatsApp phone number (WHATSAPP_PHONE_NUMBER_ID): the
    setting bootstrap reads to wire the Graph API, so the webhook and the sender agree."""
    return bool(settings().whatsapp_phone_number_id)


def _problem(code: str) -> Response:
    response = problem_response(*problem(code, WEBHOOK))
    response.headers.pop("WWW-Authenticate", None)  # Meta's signature is no HTTP authentication scheme
    return response


@bp.route(WEBHOOK, methods=["GET"])
@api
def verify_whatsapp_webhook():
    """Meta's handshake when the webhook is registered: the challenge back if the verify token is ours."""
    if not _channel_on():
        return _problem("channel_off")
    query = params()
    token = whatsapp_secrets(settings()).verify_token
    given = query.get("hub.verify_token", "")
    if (
        query.get("hub.mode") != "subscribe"
        or not token
        or not hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8"))
    ):
        logger.warning("WhatsApp webhook verification refused")
        return _problem("whatsapp_verification_failed")
    return Response(
        body=query.get("hub.challenge", ""),
        status_code=200,
        # The challenge is Meta's text echoed back: plain text that no browser may read as anything else.
        headers={
            "Content-Type": "text/plain; charset=utf-8",
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@bp.route(WEBHOOK, methods=["POST"], content_types=ANY_BODY)
@api
def receive_whatsapp_webhook():
    """Meta's notification: its signature checked over the exact bytes before anything reads them, then the
    bytes queued as one message (the consumer parses them) and 200 at once."""
    if not _channel_on():
        return _problem("channel_off")
    raw = request().raw_body or b""
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if limits.body_too_large(raw):
        return _problem("payload_too_large")
    app_secret = whatsapp_secrets(settings()).app_secret
    if not signature_valid(raw, header("x-hub-signature-256") or None, app_secret):
        logger.warning("WhatsApp webhook POST with a missing or wrong signature refused", extra={"bytes": len(raw)})
        return _problem("whatsapp_signature_invalid")
    send_whatsapp_delivery(settings().region, raw)
    logger.info("WhatsApp webhook POST queued", extra={"bytes": len(raw)})
    return Response(
        body="{}", status_code=200, headers={"Content-Type": "application/json", "Cache-Control": "no-store"}
    )
