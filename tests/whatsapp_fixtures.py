"""Webhook payloads shaped as Meta documents them (WhatsApp Cloud API, "Webhooks: messages"), and their
signature: the tests of the webhook, the consumer and the use case build what Meta would POST from these.

``delivery(*items)`` wraps messages (``text``, ``location``, ``image``, ``other``) and statuses (``status``)
in one ``entry[].changes[].value``, with a ``contacts[]`` entry for each sender; ``raw(payload)`` is its bytes
as Meta sends them (UTF-8, not ASCII-escaped); ``sign(raw, secret)`` the ``X-Hub-Signature-256`` header."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

BUSINESS_ACCOUNT_ID = "102290129340398"
PHONE_NUMBER_ID = "106540352242922"
DISPLAY_PHONE_NUMBER = "6281100000000"
WA_ID = "6281234567890"  # a citizen: +62 812-3456-7890
TIMESTAMP = "1765140000"  # 2025-12-07T20:40:00Z


def _message(wa_id: str, message_id: str, kind: str, body: dict, timestamp: str, name: str | None) -> dict:
    return {"from": wa_id, "id": message_id, "timestamp": timestamp, "type": kind, kind: body, "_name": name}


def text(
    wa_id: str = WA_ID,
    body: str = "Halo",
    id: str = "wamid.HBgLNjI4MTIzNDU2Nzg5MBUCABIYFDNB",
    *,
    timestamp: str = TIMESTAMP,
    name: str | None = "Siti",
) -> dict:
    return _message(wa_id, id, "text", {"body": body}, timestamp, name)


def location(
    wa_id: str = WA_ID,
    latitude: float = -0.502106,
    longitude: float = 117.153709,
    id: str = "wamid.LOC0001",
    *,
    place: str | None = "Jembatan Mahakam",
    address: str | None = "Jl. Slamet Riyadi, Samarinda",
    timestamp: str = TIMESTAMP,
    name: str | None = "Siti",
) -> dict:
    body: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
    if place is not None:
        body["name"] = place
    if address is not None:
        body["address"] = address
    return _message(wa_id, id, "location", body, timestamp, name)


def image(
    wa_id: str = WA_ID,
    media_id: str = "1480391299438495",
    id: str = "wamid.IMG0001",
    *,
    caption: str | None = "Lubang di jalan",
    mime_type: str = "image/jpeg",
    timestamp: str = TIMESTAMP,
    name: str | None = "Siti",
) -> dict:
    body: dict[str, Any] = {
        "mime_type": mime_type,
        "sha256": "8Bca4QwhQMZ8B6VfUpMk1tiLH3vZ9e3nFEd4zVNaSfA=",
        "id": media_id,
    }
    if caption is not None:
        body["caption"] = caption
    return _message(wa_id, id, "image", body, timestamp, name)


def other(
    kind: str,
    body: dict,
    wa_id: str = WA_ID,
    id: str = "wamid.OTHER0001",
    *,
    timestamp: str = TIMESTAMP,
    name: str | None = "Siti",
) -> dict:
    """Any other type Meta sends: ``other("sticker", {...})``, ``other("reaction", {...})``..."""
    return _message(wa_id, id, kind, body, timestamp, name)


def status(
    id: str,
    state: str = "delivered",
    recipient_id: str = WA_ID,
    *,
    timestamp: str = TIMESTAMP,
    error: tuple[int, str] | None = None,
) -> dict:
    """A status callback for a message we sent (``sent``, ``delivered``, ``read``, ``failed`` with ``error``)."""
    entry: dict[str, Any] = {
        "id": id,
        "status": state,
        "timestamp": timestamp,
        "recipient_id": recipient_id,
        "_status": True,
    }
    if state != "failed":
        entry["conversation"] = {
            "id": "CONVERSATION_ID",
            "expiration_timestamp": str(int(timestamp) + 86400),
            "origin": {"type": "utility"},
        }
        entry["pricing"] = {"billable": True, "pricing_model": "CBP", "category": "utility"}
    if error is not None:
        code, title = error
        entry["errors"] = [
            {
                "code": code,
                "title": title,
                "message": title,
                "error_data": {"details": "Message failed to send."},
                "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
            }
        ]
    return entry


def delivery(*items: dict) -> dict:
    """One POST's payload: the messages and statuses in one change, each sender in ``contacts[]``."""
    messages: list[dict] = []
    statuses: list[dict] = []
    contacts: dict[str, dict] = {}
    for item in items:
        item = dict(item)
        if item.pop("_status", False):
            statuses.append(item)
            continue
        name = item.pop("_name", None)
        contacts.setdefault(item["from"], {"profile": {"name": name} if name else {}, "wa_id": item["from"]})
        messages.append(item)
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": DISPLAY_PHONE_NUMBER, "phone_number_id": PHONE_NUMBER_ID},
    }
    if contacts:
        value["contacts"] = list(contacts.values())
    if messages:
        value["messages"] = messages
    if statuses:
        value["statuses"] = statuses
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": BUSINESS_ACCOUNT_ID, "changes": [{"value": value, "field": "messages"}]}],
    }


def raw(payload: dict) -> bytes:
    """The bytes as Meta sends them: UTF-8, emoji and accents unescaped."""
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def sign(raw_body: bytes, secret: str) -> str:
    """The ``X-Hub-Signature-256`` header Meta sends with ``raw_body``."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), raw_body, hashlib.sha256).hexdigest()
