"""Meta's WhatsApp Cloud API webhook: its signature and its payload, read into domain/whatsapp.py's types. Pure.

Meta signs each POST with ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the app
secret>``. The check runs over the exact bytes received, before any parsing: JSON re-serialised (escaped
emoji, reordered keys, other spacing) is different bytes and fails, as it should.

The payload (graph API "whatsapp_business_account" object): ``entry[].changes[]`` whose ``field`` is
``messages`` carry ``value.messages[]`` (what citizens wrote), ``value.contacts[]`` (their profile names) and
``value.statuses[]`` (what became of what we sent). A well-signed payload is Meta's: whatever in it we do not
understand is skipped or read as ``OTHER``, never an error that would make Meta retry it for a day.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from .whatsapp import IMAGE, LOCATION, OTHER, TEXT, Delivery, Inbound, Message, Status

SIGNATURE_PREFIX = "sha256="
OBJECT = "whatsapp_business_account"


def signature(raw_body: bytes, app_secret: str) -> str:
    """The header value Meta would send for ``raw_body`` (tests and the local stack sign with it)."""
    digest = hmac.new(app_secret.encode("utf-8"), raw_body, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


def signature_valid(raw_body: bytes, header: str | None, app_secret: str) -> bool:
    """Whether ``header`` is the HMAC-SHA256 of exactly these bytes with the app secret (constant time).
    No secret configured: nothing is valid."""
    if not header or not app_secret or not header.startswith(SIGNATURE_PREFIX):
        return False
    expected = signature(raw_body, app_secret)
    return hmac.compare_digest(expected.encode("ascii"), header.strip().lower().encode("ascii", "replace"))


def parse(payload: Any) -> Delivery:
    """The messages and statuses of one webhook POST. ValueError only if it is not a JSON object of
    ``object: whatsapp_business_account``; odd entries inside are skipped."""
    if not isinstance(payload, dict):
        raise ValueError("the webhook payload is not a JSON object")
    if payload.get("object") != OBJECT:
        raise ValueError(f"the webhook payload's object is not {OBJECT!r}")
    messages: list[Message] = []
    statuses: list[Status] = []
    for value in _values(payload):
        names = _profile_names(value.get("contacts"))
        for raw in _dicts(value.get("messages")):
            message = _message(raw, names)
            if message is not None:
                messages.append(message)
        for raw in _dicts(value.get("statuses")):
            status = _status(raw)
            if status is not None:
                statuses.append(status)
    return Delivery(messages=tuple(messages), statuses=tuple(statuses))


def _dicts(value: Any) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _values(payload: dict) -> list[dict]:
    """Each ``entry[].changes[].value`` of the ``messages`` field."""
    values = []
    for entry in _dicts(payload.get("entry")):
        for change in _dicts(entry.get("changes")):
            value = change.get("value")
            if change.get("field") == "messages" and isinstance(value, dict):
                values.append(value)
    return values


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _profile_names(contacts: Any) -> dict[str, str]:
    names = {}
    for contact in _dicts(contacts):
        profile = contact.get("profile")
        name = profile.get("name") if isinstance(profile, dict) else None
        if isinstance(contact.get("wa_id"), str) and isinstance(name, str) and name.strip():
            names[contact["wa_id"]] = name.strip()
    return names


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and abs(number) != float("inf") else None


def _message(raw: dict, names: dict[str, str]) -> Message | None:
    wamid, wa_id, timestamp = raw.get("id"), raw.get("from"), _int(raw.get("timestamp"))
    if not isinstance(wamid, str) or not wamid or not isinstance(wa_id, str) or not wa_id or timestamp is None:
        return None
    return Message(id=wamid, wa_id=wa_id, timestamp=timestamp, inbound=_inbound(raw), profile_name=names.get(wa_id))


def _inbound(raw: dict) -> Inbound:
    kind = raw.get("type")
    body = raw.get(kind) if isinstance(kind, str) else None
    body = body if isinstance(body, dict) else {}
    if kind == "text":
        return Inbound(TEXT, text=_text(body.get("body")))
    if kind == "location":
        latitude, longitude = _float(body.get("latitude")), _float(body.get("longitude"))
        if latitude is None or longitude is None:
            return Inbound(OTHER)
        place = ", ".join(p for p in (_text(body.get("name")).strip(), _text(body.get("address")).strip()) if p)
        return Inbound(LOCATION, text=place, latitude=latitude, longitude=longitude)
    if kind == "image":
        media_id = body.get("id")
        if not isinstance(media_id, str) or not media_id:
            return Inbound(OTHER)
        mime = body.get("mime_type")
        return Inbound(
            IMAGE, text=_text(body.get("caption")), media_id=media_id, mime_type=mime if isinstance(mime, str) else None
        )
    if kind == "interactive":  # a tap on a reply button or a list row: its title is what the citizen "said"
        for reply in ("button_reply", "list_reply"):
            chosen = body.get(reply)
            if isinstance(chosen, dict):
                return Inbound(TEXT, text=_text(chosen.get("title")) or _text(chosen.get("id")))
        return Inbound(OTHER)
    if kind == "button":  # a quick-reply button of a template message
        return Inbound(TEXT, text=_text(body.get("text")) or _text(body.get("payload")))
    return Inbound(OTHER)  # audio, video, sticker, document, reaction, contacts, unsupported, ...


def _status(raw: dict) -> Status | None:
    wamid, state, timestamp = raw.get("id"), raw.get("status"), _int(raw.get("timestamp"))
    if not isinstance(wamid, str) or not wamid or not isinstance(state, str) or not state or timestamp is None:
        return None
    errors = _dicts(raw.get("errors"))
    first = errors[0] if errors else {}
    title = first.get("title") or first.get("message")
    return Status(
        id=wamid,
        recipient_id=_text(raw.get("recipient_id")),
        status=state,
        timestamp=timestamp,
        error_code=_int(first.get("code")),
        error_title=title if isinstance(title, str) else None,
    )
