"""The citizen after submitting: answering a question, rating the reply, reopening the case.

Each use case writes once, conditionally (with its audit entry), then hands the news to the
state machine through the token the consumer keeps server-side, reading the token *after*
the write: whichever of us and the consumer writes second sees both, so one of us completes it.
"""

from __future__ import annotations

from ..adapters.store import ConditionFailed, audit_entry
from ..adapters.tables import ComplaintModel, WorkItemModel
from ..domain import sop
from ..domain.errors import AlreadyRated, Conflict, NotFound, Unavailable
from ..domain.followup import (
    ensure_may_rate,
    ensure_may_reopen,
    ensure_question_pending,
    parse_answer,
    parse_rating,
    parse_reopen,
)
from .links import RATING, resolve_link
from .ports import Services, iso, parse_iso


def _owned(svc: Services, complaint_id: str, citizen_id: str) -> ComplaintModel:
    """The citizen's own case; anyone else's is reported as not existing (no probing of ids)."""
    complaint = svc.store.get_complaint(complaint_id)
    if complaint is None or complaint.citizen_id != citizen_id:
        raise NotFound("complaint not found")
    return complaint


# -- answering a question ----------------------------------------------------------------
def answer_question(svc: Services, complaint: ComplaintModel, payload, actor: str) -> dict:
    """Record the answer to the pending question (once), then resume the stage that asked."""
    answer = parse_answer(payload)
    ensure_question_pending(complaint.pending_question)
    step = int(complaint.pending_question["step"])
    now = iso(svc.now())
    try:
        svc.store.record_answer(
            complaint.id, step,
            item_actions=[WorkItemModel.answer.set(answer), WorkItemModel.answered_at.set(now),
                          WorkItemModel.answered_by.set(actor)],
            complaint_actions=[ComplaintModel.pending_question.remove(), ComplaintModel.updated_at.set(now)],
            audit=audit_entry(complaint.id, now, actor, "information_answered", complaint.pending_question["stage"],
                              {"step": step, "answer": answer}),
        )
    except ConditionFailed:
        ensure_question_pending(None)  # answered meanwhile, or the time to answer ran out
    item = svc.store.get_work_item(complaint.id, step)
    if item.answer_token:
        svc.workflow.complete(item.answer_token, {"answered": True})
    svc.metrics.count("InformationAnswered", dimensions={"Stage": item.stage})
    return {"answered_at": now, "stage": item.stage}


def answer_as_citizen(svc: Services, complaint_id: str, citizen_id: str, payload) -> dict:
    return answer_question(svc, _owned(svc, complaint_id, citizen_id), payload, f"citizen:{citizen_id}")


# -- rating ----------------------------------------------------------------------------
def _rate(svc: Services, complaint: ComplaintModel, payload, actor: str) -> dict:
    rating = parse_rating(payload)
    ensure_may_rate(complaint.status, complaint.rating, answered=bool(complaint.answered_at))
    now = iso(svc.now())
    record = {"score": rating.score, "comment": rating.comment, "at": now}
    try:
        svc.store.update_complaint(
            complaint.id, [ComplaintModel.rating.set(record), ComplaintModel.updated_at.set(now)],
            condition=ComplaintModel.rating.does_not_exist() & ComplaintModel.answered_at.exists()
            & ComplaintModel.status.is_in(sop.STATUS_ANSWERED, sop.STATUS_CLOSED),
            audit=audit_entry(complaint.id, now, actor, "rated", details={"score": rating.score,
                                                                          "comment": rating.comment}),
        )
    except ConditionFailed:
        raise AlreadyRated("rated already") from None
    # By agency (the dashboard's average per OPD); cases answered without one count as "none".
    svc.metrics.count("CitizenRating", value=rating.score, unit="None",
                      dimensions={"Opd": complaint.opd if complaint.kind == "aspiration" and complaint.opd
                                  else "none"})
    return record


def rate_as_citizen(svc: Services, complaint_id: str, citizen_id: str, payload) -> dict:
    return _rate(svc, _owned(svc, complaint_id, citizen_id), payload, f"citizen:{citizen_id}")


def _rating_link(svc: Services, token: str):
    link = resolve_link(svc, token)
    if link.role != RATING:
        raise NotFound("unknown link")
    complaint = svc.store.get_complaint(link.complaint_id)
    if complaint is None:
        raise NotFound("unknown link")
    return link, complaint


def describe_rating(svc: Services, token: str) -> dict:
    """What the rating page shows. Never records anything: mail scanners open links."""
    _, complaint = _rating_link(svc, token)
    return {"tracking_number": complaint.tracking_number, "title": complaint.title,
            "rated": complaint.rating is not None, "rating": complaint.rating}


def rate_by_link(svc: Services, token: str, payload) -> dict:
    """The rating page's POST: the person who received the reply rates it."""
    _, complaint = _rating_link(svc, token)
    return _rate(svc, complaint, payload, "link:rating")


# -- reopening --------------------------------------------------------------------------
def reopen(svc: Services, complaint_id: str, citizen_id: str, payload) -> dict:
    """Not solved: back to classification with the reason, within the feedback window, at most twice."""
    complaint = _owned(svc, complaint_id, citizen_id)
    reason = parse_reopen(payload)
    now = svc.now()
    ends = parse_iso(complaint.feedback_ends_at) if complaint.feedback_ends_at else None
    reopens = int(complaint.reopens or 0)
    ensure_may_reopen(complaint.status, ends, now, reopens, answered=bool(complaint.answered_at))
    if not complaint.feedback_token:
        # The execution is not waiting for a reopening yet (a second after the reply); nothing is changed.
        raise Unavailable("the case is not ready to be reopened yet")
    at = iso(now)
    try:
        svc.store.update_complaint(
            complaint.id,
            [ComplaintModel.status.set(sop.STATUS_OPEN), ComplaintModel.reopens.set(reopens + 1),
             ComplaintModel.reopen_pending.set(True), ComplaintModel.reopen_reason.set(reason),
             ComplaintModel.updated_at.set(at)],
            condition=(ComplaintModel.status == sop.STATUS_ANSWERED) & (ComplaintModel.feedback_ends_at > at)
            & ((ComplaintModel.reopens == reopens) if reopens else ComplaintModel.reopens.does_not_exist()
               | (ComplaintModel.reopens == 0)),
            audit=audit_entry(complaint.id, at, f"citizen:{citizen_id}", "reopened",
                              details={"round": reopens + 2, "reason": reason}),
        )
    except ConditionFailed:
        latest = svc.store.get_complaint(complaint.id)  # a concurrent reopen, or the window just closed
        ensure_may_reopen(latest.status, ends, svc.now(), int(latest.reopens or 0), answered=True)
        raise Conflict("the case changed meanwhile; reload it") from None
    token = svc.store.get_complaint(complaint.id).feedback_token
    if token:
        svc.workflow.complete(token, {"reopen": True})
    svc.metrics.count("ComplaintReopened")
    return {"status": sop.STATUS_OPEN, "round": reopens + 2, "reopens_left": sop.MAX_REOPENS - reopens - 1}
