"""The citizen's voice after submitting: answers, ratings, reopening, duplicates (pure rules).

The use cases read the case, ask these rules, then write conditionally: the rules give the
person a precise reason; the conditional write keeps the guarantee under races.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from . import fields, sop
from .errors import (
    AlreadyRated,
    FeedbackWindowClosed,
    NoQuestionPending,
    NotAnswered,
    ReopenLimit,
    ValidationFailed,
)

ANSWER_MAX = fields.ANSWER_MAX
REASON_MAX = fields.REASON_MAX
COMMENT_MAX = fields.COMMENT_MAX


def parse_answer(payload: Any) -> str:
    """``{answer}``, through ``models.AnswerRequest``."""
    from . import models  # on use: a cold start without pydantic (docs/performance.md)

    return models.validate(models.AnswerRequest, payload).answer


def parse_reopen(payload: Any) -> str:
    """``{reason}``, through ``models.ReopenRequest``."""
    from . import models  # on use: a cold start without pydantic (docs/performance.md)

    return models.validate(models.ReopenRequest, payload).reason


@dataclass(frozen=True)
class Rating:
    score: int
    comment: str | None


def parse_rating(payload: Any) -> Rating:
    """A score 1..5 (a whole number; "4" from an HTML form too) and an optional comment (``models.RatingRequest``)."""
    from . import models  # on use: a cold start without pydantic (docs/performance.md)

    body = models.validate(models.RatingRequest, payload)
    return Rating(body.score, body.comment)


def ensure_question_pending(pending_question: Mapping | None) -> None:
    if not pending_question:
        raise NoQuestionPending("no question is waiting for an answer")


def ensure_may_rate(status: str, rating: Mapping | None, answered: bool = True) -> None:
    """Only a reply can be rated (not a case rejected, closed as a duplicate or unanswered), once."""
    if not answered or status not in (sop.STATUS_ANSWERED, sop.STATUS_CLOSED):
        raise NotAnswered("the case has not been answered")
    if rating:
        raise AlreadyRated("rated already")


def ensure_may_reopen(
    status: str, feedback_ends_at: datetime | None, now: datetime, reopens: int, answered: bool
) -> None:
    """Only an answered case, inside its feedback window, and at most ``sop.MAX_REOPENS`` times."""
    if not answered or feedback_ends_at is None:
        raise NotAnswered("the case has not been answered")
    if status != sop.STATUS_ANSWERED or now >= feedback_ends_at:
        if status == sop.STATUS_OPEN:
            raise NotAnswered("the case is open again already")
        raise FeedbackWindowClosed("the feedback window has passed")
    if reopens >= sop.MAX_REOPENS:
        raise ReopenLimit("reopened too often")


def ensure_duplicate_target(
    case_id: str,
    target_id: str | None,
    target_kind: str | None,
    target_status: str | None = None,
    target_answered: bool = False,
) -> None:
    """The case that carries on must exist, be another case, and carry on: not itself a duplicate,
    nor closed without an answer (rejected, or its citizen never answered a question)."""
    if target_id is None:
        raise ValidationFailed([{"field": "of", "code": "unknown_case"}])
    if target_id == case_id:
        raise ValidationFailed([{"field": "of", "code": "same_case"}])
    if target_kind == sop.DUPLICATE:
        raise ValidationFailed([{"field": "of", "code": "is_duplicate"}])
    if target_status == sop.STATUS_CLOSED and not target_answered:
        raise ValidationFailed([{"field": "of", "code": "closed_without_answer"}])
