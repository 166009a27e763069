"""Whether a verified ID token may still act: its account may have been closed or disabled since.

Cognito's ID tokens are checked offline and live an hour; closing an account (``DELETE /me``) or
disabling a member cannot take back the tokens already issued. So both write a revocation (the
account's subject key and the moment: adapters/tables.RevocationModel) and every route that acts for
a person checks it:

- a submission checks it inside its own transaction (no extra call; service/complaints.py), so a
  closed account can never file a complaint, not even in the second after it closed;
- every other route reads it, remembering the answer for a minute per process: a closed account is
  refused at once in the process that closed it and within a minute everywhere else. What those
  routes could reach meanwhile is already gone (erasure took the complaints out of the index).

A token issued after the revocation passes: a member enabled again logs in afresh.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

from ..domain import personal_data
from ..domain.errors import Unauthorized


class AccountRevoked(Unauthorized):
    """The token belongs to an account that was closed or disabled after it was issued."""

    code = "account_closed"


@dataclass
class RevocationCache:
    """What this process learnt about revocations, for ``ttl_seconds`` (a Lambda container lives minutes)."""

    ttl_seconds: float = 60
    _known: dict[str, tuple[float, int | None]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def get(self, key: str) -> tuple[bool, int | None]:
        with self._lock:
            known = self._known.get(key)
        if known is None or time.monotonic() >= known[0]:
            return False, None
        return True, known[1]

    def put(self, key: str, revoked_at: int | None) -> None:
        with self._lock:
            self._known[key] = (time.monotonic() + self.ttl_seconds, revoked_at)


def ensure_active(svc, sub: str, issued_at: int | None) -> None:
    """Refuse (401 ``account_closed``) a token whose account was revoked after it was issued.
    ``svc`` is the ``Services`` container; one GetItem per account a minute at most."""
    key = personal_data.subject_key(sub)
    cached, revoked_at = svc.revocations.get(key)
    if not cached:
        revoked_at = svc.store.tokens_revoked_at(key)
        svc.revocations.put(key, revoked_at)
    if personal_data.token_refused(issued_at, revoked_at):
        raise AccountRevoked("account closed or disabled")


def revoke(svc, sub: str, reason: str) -> None:
    """Refuse from now on every token the account holds (``reason``: "closed" or "disabled").

    Real time, not the service clock: a token's ``iat`` is Cognito's real time."""
    now = int(time.time())
    key = personal_data.subject_key(sub)
    svc.store.revoke_tokens(key, now, reason, now + personal_data.REVOCATION_SECONDS)
    svc.revocations.put(key, now)  # this process refuses them at once


def token_check(sub: str, issued_at: int | None) -> tuple[str, int | None]:
    """What a submission's transaction checks (adapters/store.create_complaint ``token``)."""
    return personal_data.subject_key(sub), issued_at
