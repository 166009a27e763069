"""Page tokens: opaque to clients, read back strictly (anything we did not write is a 422).

A token is the base64 of JSON we wrote. Reading one back checks its exact shape before any of it reaches
DynamoDB: a start key (``start_key``) holds exactly the key attributes of the index it pages, each a
non-empty string (or a number) of the right type, and its partition must be the caller's own -- so a
forged or replayed token can neither crash a query (a 500) nor page into someone else's partition.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ..domain.errors import ValidationFailed

MAX_TOKEN = 4096  # characters: ours are a few hundred


def invalid_token() -> ValidationFailed:
    return ValidationFailed([{"field": "next_token", "code": "invalid_token"}])


def encode_page_token(data: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode()


def decode_page_token(token: str) -> Any:
    """The JSON a token carries; the caller checks its shape."""
    if len(token) > MAX_TOKEN:
        raise invalid_token()
    try:
        return json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, binascii.Error, RecursionError):  # RecursionError: nested too deep to read
        raise invalid_token() from None


# -- start keys: DynamoDB's LastEvaluatedKey, as we handed it out -------------------------------------
def is_time(text: str) -> bool:
    """A timestamp as ``ports.iso`` writes them (with its zone)."""
    if len(text) > 40:
        return False
    try:
        return datetime.fromisoformat(text).tzinfo is not None
    except ValueError:
        return False


_HEX_ID = re.compile(r"[0-9a-f]{32}")


def is_hex_id(text: str) -> bool:
    return bool(_HEX_ID.fullmatch(text))


@dataclass(frozen=True)
class KeyPart:
    """One attribute of an index's start key: its DynamoDB type and what its value must look like."""

    type: str  # "S" or "N"
    check: Callable[[str], bool] = lambda value: len(value) <= 200


def start_key(token: str | None, shape: Mapping[str, KeyPart], **fixed: str) -> dict | None:
    """The start key a token carries, or None without a token; else 422 ``invalid_token``.

    Exactly the attributes of ``shape`` (the index's key and the table's), each ``{type: value}`` with a
    non-empty value that passes its check; ``fixed`` names attributes whose value must be the given one
    (the caller's partition: a token from another caller's list is refused, not followed).
    """
    if not token:
        return None
    key = decode_page_token(token)
    if not isinstance(key, dict) or set(key) != set(shape):
        raise invalid_token()
    for name, part in shape.items():
        value = key[name]
        if not isinstance(value, dict) or set(value) != {part.type}:
            raise invalid_token()
        raw = value[part.type]
        if not isinstance(raw, str) or not raw or not part.check(raw):
            raise invalid_token()
        if part.type == "N" and not re.fullmatch(r"-?[0-9]{1,20}", raw):
            raise invalid_token()
        if name in fixed and raw != fixed[name]:
            raise invalid_token()
    return key


# -- the month walk's position (adapters/case_lists.py): {"m": month, "k": [created_at, id] or null} ------
_MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")


def month_position(token: str, low: str, high: str) -> tuple[str, tuple[str, str] | None]:
    """The month walk's position as we wrote it (``month_token``), inside the range [low, high]; else 422."""
    data = decode_page_token(token)
    if not isinstance(data, dict) or set(data) != {"m", "k"}:
        raise invalid_token()
    month, key = data["m"], data["k"]
    if not isinstance(month, str) or not _MONTH.fullmatch(month) or not low[:7] <= month <= high[:7]:
        raise invalid_token()
    if key is None:
        return month, None
    if not isinstance(key, list) or len(key) != 2 or not all(isinstance(part, str) for part in key):
        raise invalid_token()
    created_at, complaint_id = key
    if not (is_time(created_at) and is_hex_id(complaint_id) and created_at[:7] == month):
        raise invalid_token()
    if not low <= created_at <= high:  # DynamoDB refuses a start key outside the key condition
        raise invalid_token()
    return month, (created_at, complaint_id)


def month_token(position: tuple[str, tuple[str, str] | None]) -> str:
    month, key = position
    return encode_page_token({"m": month, "k": list(key) if key else None})
