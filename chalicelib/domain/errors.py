"""Domain errors. The web layer turns them into RFC 9457 problem documents."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base: something a caller did that the rules refuse."""

    code = "domain_error"

    def __init__(self, message: str = "", details: Any = None):
        super().__init__(message or self.code)
        self.details = details


class ValidationFailed(DomainError):
    code = "validation_failed"

    def __init__(self, errors: list[dict[str, Any]]):
        super().__init__(f"invalid input: {errors}", details=errors)
        self.errors = errors


class NotFound(DomainError):
    code = "not_found"


class AlreadyDecided(DomainError):
    code = "already_decided"


class LinkExpired(DomainError):
    code = "link_expired"


class IdempotencyKeyReused(DomainError):
    """The same Idempotency-Key was sent with a different request body."""

    code = "idempotency_key_reused"


class Unauthorized(DomainError):
    """No valid identity: log in (again)."""

    code = "unauthorized"


class Forbidden(DomainError):
    code = "forbidden"


class Conflict(DomainError):
    code = "conflict"


class AlreadyEntered(Conflict):
    """A complaint with this external reference (an SP4N-LAPOR! ID, say) was entered before."""

    code = "already_entered"


class NotCurrentStage(Conflict):
    """A console decision named a stage the case is not waiting at (decided, or moved on)."""

    code = "not_current_stage"


class TooManyRequests(DomainError):
    code = "too_many_requests"


class Unavailable(DomainError):
    """A service we depend on cannot answer now; try again shortly."""

    code = "unavailable"
