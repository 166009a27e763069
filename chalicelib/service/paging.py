"""Page tokens: opaque to clients, read back strictly (anything we did not write is a 422)."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from ..domain.errors import ValidationFailed


def invalid_token() -> ValidationFailed:
    return ValidationFailed([{"field": "next_token", "code": "invalid_token"}])


def encode_page_token(data: Any) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode()


def decode_page_token(token: str) -> Any:
    """The JSON a token carries; the caller checks its shape."""
    try:
        return json.loads(base64.urlsafe_b64decode(token.encode()))
    except (ValueError, binascii.Error, RecursionError):  # RecursionError: nested too deep to read
        raise invalid_token() from None
