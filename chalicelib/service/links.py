"""Action links: opaque, hashed at rest, bound to one work item and role, expiring, single-use."""

from __future__ import annotations

import contextvars
import hashlib
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from ..domain.errors import LinkExpired, NotFound
from ..domain.records import Link, WorkItem
from ..domain.timestamps import iso, parse_iso
from .container import Services

# A link token is 32 random bytes; URL-safe base64 gives 43 characters.
_TOKEN_BYTES = 32
_MAX_TOKEN_LENGTH = 128


_DEFERRED: contextvars.ContextVar[list[Link] | None] = contextvars.ContextVar("deferred_links", default=None)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@contextmanager
def deferred_links() -> Iterator[list[Link]]:
    """Collect the links issued inside instead of writing each: the caller stores their hashes in the one
    write that claims the email carrying them (service/workflow/outbox.py ``send_once``), so a link exists only
    for an email that is really being sent, and that email costs one write fewer that could fail."""
    pending: list[Link] = []
    token = _DEFERRED.set(pending)
    try:
        yield pending
    finally:
        _DEFERRED.reset(token)


def _store(svc: Services, link: Link) -> None:
    pending = _DEFERRED.get()
    if pending is None:
        svc.store.put_link(link)
    else:
        pending.append(link)


def issue_link(svc: Services, item: WorkItem, now: datetime) -> tuple[str, str]:
    """A new link for the item's team; returns (url, expires_at). The raw token is never stored."""
    token = secrets.token_urlsafe(_TOKEN_BYTES)
    expires = now + timedelta(hours=svc.settings.link_ttl_hours)
    _store(
        svc,
        Link(
            token_hash=hash_token(token),
            complaint_id=item.complaint_id,
            step=item.step,
            role=item.role,
            expires_at=iso(expires),
            ttl=expires + timedelta(days=30),
        ),
    )
    return f"{svc.settings.public_base_url}/actions/{token}", iso(expires)


def resolve_link(svc: Services, token: str) -> Link:
    """The link behind a token. Unknown or malformed -> NotFound; past its expiry -> LinkExpired.

    A used link is returned as it is; the caller decides (409 for a decision).
    """
    if not token or len(token) > _MAX_TOKEN_LENGTH:
        raise NotFound("unknown link")
    link = svc.store.get_link(hash_token(token))
    if link is None:
        raise NotFound("unknown link")
    if parse_iso(link.expires_at) <= svc.now():
        raise LinkExpired("link expired")
    return link


RATING = "rating"  # the role of a citizen's rating link (never a staff decision)
RATING_LINK_DAYS = 60


def issue_rating_link(svc: Services, complaint_id: str, now: datetime) -> str:
    """The reply email's rating link (the score goes in the query). Opening it only shows a page."""
    token = secrets.token_urlsafe(_TOKEN_BYTES)
    expires = now + timedelta(days=RATING_LINK_DAYS)
    _store(
        svc,
        Link(
            token_hash=hash_token(token),
            complaint_id=complaint_id,
            step=0,
            role=RATING,
            expires_at=iso(expires),
            ttl=expires + timedelta(days=30),
        ),
    )
    return f"{svc.settings.public_base_url}/ratings/{token}"
