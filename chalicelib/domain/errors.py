"""Domain errors. The web layer turns them into RFC 9457 problem documents."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base: something a caller did that the rules refuse."""

    code = "domain_error"
    retry_after: int | None = None  # seconds, for a refusal that ends by itself (a rate limit)

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


class AttachmentLimitReached(Conflict):
    """The complaint holds as many attachments as allowed (or has had too many refused)."""

    code = "attachment_limit"


class ComplaintNotOpen(Conflict):
    """Attachments can be added only while the complaint is open (not answered or closed)."""

    code = "complaint_not_open"


class TooManyRequests(DomainError):
    code = "too_many_requests"


class SubmissionLimitReached(TooManyRequests):
    """A citizen sent as many complaints as an hour allows (service/rate_limits.py): try again after
    ``retry_after`` seconds (the answer's Retry-After)."""

    code = "submission_limit"

    def __init__(self, limit: int, retry_after: int):
        super().__init__(f"at most {limit} complaints an hour", details={"limit": limit, "retry_after": retry_after})
        self.retry_after = retry_after


class PayloadTooLarge(DomainError):
    """A request body over domain/limits.MAX_BODY_BYTES, refused before it is read."""

    code = "payload_too_large"


class Unavailable(DomainError):
    """A service we depend on cannot answer now; try again shortly."""

    code = "unavailable"


class NotAnswered(Conflict):
    """Rating or reopening before the reply has reached the citizen."""

    code = "not_answered"


class AlreadyRated(Conflict):
    code = "already_rated"


class FeedbackWindowClosed(Conflict):
    """The case closed after its feedback window: it can no longer be reopened."""

    code = "feedback_window_closed"


class ReopenLimit(Conflict):
    code = "reopen_limit"


class NoQuestionPending(Conflict):
    """An answer came when no question waits for one (answered already, or the case closed)."""

    code = "no_question_pending"
