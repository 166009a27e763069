"""API keys of Open311 clients: issued and revoked by admins, checked and counted on every keyed call.

A key is ``o311_<id>_<secret>``: the id (12 hex digits) names it in the console, the routes and the
logs; the secret is 32 random bytes. Only the SHA-256 of the whole key is stored (as for action
links), so the key is shown once, when it is issued, and cannot be recovered -- a lost key is revoked
and a new one issued. An organisation has at most one active key (a second is 409 until the first is
revoked: the organisation's name is reserved by a conditional write).

Each key may make ``OPEN311_RATE_LIMIT_PER_MINUTE`` requests a minute: a counter per key and minute
(service/rate_limits.py, shared with the citizens' submission limit) is added to by one atomic,
conditional UpdateItem that refuses past the limit (so concurrent requests cannot overshoot), and
DynamoDB deletes it an hour later (TTL). The first request of a minute also
notes the key's ``last_used_at`` -- at most one extra write a minute per key.
"""

from __future__ import annotations

import hmac
import re
import secrets
from datetime import datetime
from typing import Any

from ..domain import limits
from ..domain.errors import Conflict, NotFound
from ..domain.records import ApiKey
from ..domain.timestamps import iso
from . import rate_limits
from .container import Services
from .links import hash_token
from .ports import ConditionFailed

API = "open311"  # the API these keys are for (the keys' partition)
PREFIX = "o311"
MAX_ORGANISATION = 100
_KEY = re.compile(rf"^{PREFIX}_([0-9a-f]{{12}})_[A-Za-z0-9_\-]{{43}}$")
_ID = re.compile(r"^[0-9a-f]{12}$")


class ApiKeyExists(Conflict):
    """The organisation has an active key already: revoke it first."""

    code = "api_key_exists"


def organisation_key(name: str) -> str:
    """An organisation's name folded, so "Demo  Client" and "demo client" are one organisation."""
    return " ".join(name.split()).casefold()


def _organisation(payload: Any) -> str:
    """Through ``models.ApiKeyRequest``: blanks folded, at most 100 characters, no control characters."""
    from ..domain import models  # on use: a cold start without pydantic (docs/performance.md)

    return models.validate(models.ApiKeyRequest, payload).organisation


def as_json(key: ApiKey) -> dict:
    """A key as the admins' list shows it (never its hash)."""
    return {
        "id": key.key_id,
        "organisation": key.organisation,
        "created_at": key.created_at,
        "created_by": key.created_by,
        "last_used_at": key.last_used_at,
        "revoked_at": key.revoked_at,
        "revoked_by": key.revoked_by,
        "active": key.revoked_at is None,
    }


def issue_key(svc: Services, payload: Any, by: str) -> dict:
    """A new key for an organisation: 201 body, the only time the key itself is shown."""
    organisation = _organisation(payload)
    key_id = secrets.token_hex(6)
    raw = f"{PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"
    key = ApiKey(
        api=API,
        key_id=key_id,
        key_hash=hash_token(raw),
        organisation=organisation,
        organisation_key=organisation_key(organisation),
        created_at=iso(svc.now()),
        created_by=by,
    )
    try:
        svc.open311.create_api_key(key)
    except ConditionFailed as failed:
        if failed.reasons[:1] == ["ConditionalCheckFailed"]:
            raise ApiKeyExists(
                f"{organisation} has an active API key",
                details={"organisation": organisation, "id": svc.open311.api_key_of(key.organisation_key)},
            ) from None
        raise  # the fresh id collided (2^-48): the admin tries again
    return {**as_json(key), "api_key": raw}


def list_keys(svc: Services) -> dict:
    """Every key, active and revoked, newest first."""
    keys = sorted(svc.open311.api_keys(API), key=lambda k: k.created_at, reverse=True)
    return {"items": [as_json(k) for k in keys]}


def revoke_key(svc: Services, key_id: str, by: str) -> dict:
    """Revoke a key (at once: the next request with it is refused); revoking twice changes nothing."""
    key = svc.open311.api_key(API, key_id) if _ID.match(key_id or "") else None
    if key is None:
        raise NotFound("no such API key")
    if key.revoked_at is None:
        try:
            svc.open311.revoke_api_key(key, iso(svc.now()), by)
        except ConditionFailed:
            current = svc.open311.api_key(API, key_id)
            if current is None or current.revoked_at is None:
                raise
            # revoked meanwhile (another admin): fine
    latest = svc.open311.api_key(API, key_id)
    if latest is None:
        raise NotFound("no such API key")
    return as_json(latest)


def authenticate(svc: Services, raw: str | None) -> ApiKey | None:
    """The active key a client sent, or None (unknown, malformed, wrong secret or revoked)."""
    raw = (raw or "").strip()
    match = _KEY.match(raw)
    if match is None:
        return None
    key = svc.open311.api_key(API, match.group(1))
    if key is None or key.revoked_at is not None:
        return None
    return key if hmac.compare_digest(key.key_hash, hash_token(raw)) else None


def window(moment: datetime) -> tuple[str, datetime]:
    """The minute a moment falls in (``2026-11-28T20:09``, UTC) and when that minute ends."""
    return limits.window(moment, limits.MINUTE)


def admit(svc: Services, key: ApiKey) -> int | None:
    """Count one request of the key: None if admitted, else the seconds until its next minute."""
    counted = rate_limits.hit(
        svc, f"{API}#{key.key_id}", svc.settings.open311_rate_limit_per_minute, limits.MINUTE, "Open311RateLimited"
    )
    if counted.retry_after is not None:
        return counted.retry_after
    if counted.count == 1:
        svc.open311.touch_api_key(key, iso(svc.now()))
    return None
