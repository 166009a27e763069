"""The citizen after submitting: answering a question, rating the reply, reopening the case.

Each use case writes once, conditionally (with its audit entry), and answers once that is durable:
the write's record on the table's stream hands the news to the state machine (service/delivery.py),
retried until Step Functions takes it.
"""

from __future__ import annotations

from ..domain import report, sop
from ..domain.errors import AlreadyRated, Conflict, NoQuestionPending, NotFound, Unavailable
from ..domain.feedback import (
    ensure_may_rate,
    ensure_may_reopen,
    parse_answer,
    parse_rating,
    parse_reopen,
)
from ..domain.records import Complaint, new_audit_entry
from ..domain.timestamps import iso, parse_iso
from .container import Services
from .links import RATING, resolve_link
from .ports import ConditionFailed


def _owned(svc: Services, complaint_id: str, citizen_id: str) -> Complaint:
    """The citizen's own case; anyone else's is reported as not existing (no probing of ids)."""
    complaint = svc.store.get_complaint(complaint_id)
    if complaint is None or complaint.citizen_id != citizen_id:
        raise NotFound("complaint not found")
    return complaint


# -- answering a question ----------------------------------------------------------------
def answer_question(svc: Services, complaint: Complaint, payload, actor: str) -> dict:
    """Record the answer to the pending question (once), then resume the stage that asked."""
    answer = parse_answer(payload)
    if not complaint.pending_question:
        return _hand_over_again(svc, complaint, answer)
    step = int(complaint.pending_question["step"])
    now = iso(svc.now())
    try:
        svc.store.answer_question(
            complaint.id,
            step,
            answer,
            answered_at=now,
            answered_by=actor,
            audit=new_audit_entry(
                complaint.id,
                now,
                actor,
                "information_answered",
                complaint.pending_question["stage"],
                {"step": step, "answer": answer},
            ),
        )
    except ConditionFailed:  # answered meanwhile (a retry?), or the time to answer ran out
        return _hand_over_again(svc, svc.store.existing_complaint(complaint.id), answer)
    svc.metrics.count("InformationAnswered", dimensions={"Stage": complaint.pending_question["stage"]})
    return {"answered_at": now, "stage": complaint.pending_question["stage"]}


def _hand_over_again(svc: Services, complaint: Complaint, answer: str) -> dict:
    """The same answer again while the stage has not resumed yet: a client's retry (after a 5xx, say)
    gets the first result; the answer is stored and handed over once. Anything else finds no question."""
    item = svc.store.get_work_item(complaint.id, int(complaint.step)) if complaint.step else None
    if item is None or item.answer != answer or complaint.status != sop.STATUS_OPEN or item.info_expired_at is not None:
        raise NoQuestionPending("no question is waiting for an answer")
    return {"answered_at": item.answered_at, "stage": item.stage}


def answer_as_citizen(svc: Services, complaint_id: str, citizen_id: str, payload) -> dict:
    return answer_question(svc, _owned(svc, complaint_id, citizen_id), payload, f"citizen:{citizen_id}")


# -- rating ----------------------------------------------------------------------------
def _rate(svc: Services, complaint: Complaint, payload, actor: str) -> dict:
    rating = parse_rating(payload)
    ensure_may_rate(complaint.status, complaint.rating, answered=bool(complaint.answered_at))
    moment = svc.now()
    now = iso(moment)
    record = {"score": rating.score, "comment": rating.comment, "at": now}
    opd = report.answering_opd(complaint.kind, complaint.opd)
    try:
        svc.store.record_rating(
            complaint.id,
            record,
            now,
            audit=new_audit_entry(
                complaint.id, now, actor, "rated", details={"score": rating.score, "comment": rating.comment}
            ),
            report=report.rated(moment, rating.score, opd, complaint.channel, complaint.category),
        )
    except ConditionFailed:
        latest = svc.store.existing_complaint(complaint.id)  # rated a moment ago, or reopened meanwhile
        ensure_may_rate(latest.status, latest.rating, answered=bool(latest.answered_at))
        raise AlreadyRated("rated already") from None
    # By agency (the dashboard's average per OPD); cases answered without one count as "none".
    svc.metrics.count("CitizenRating", value=rating.score, unit="None", dimensions={"Opd": opd})
    return record


def rate_as_citizen(svc: Services, complaint_id: str, citizen_id: str, payload) -> dict:
    return _rate(svc, _owned(svc, complaint_id, citizen_id), payload, f"citizen:{citizen_id}")


def rate_by_whatsapp(svc: Services, complaint: Complaint, stars: int, actor: str) -> dict:
    """The citizen's rating sent on WhatsApp (service/whatsapp.py), the phone's next message after the reply."""
    return _rate(svc, complaint, {"score": stars}, actor)


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
    return {
        "tracking_number": complaint.tracking_number,
        "title": complaint.title,
        "rated": complaint.rating is not None,
        "rating": complaint.rating,
    }


def rate_by_link(svc: Services, token: str, payload) -> dict:
    """The rating page's POST: the person who received the reply rates it."""
    _, complaint = _rating_link(svc, token)
    return _rate(svc, complaint, payload, "link:rating")


# -- reopening --------------------------------------------------------------------------
def reopen(svc: Services, complaint_id: str, citizen_id: str, payload) -> dict:
    """Not solved: back to classification with the reason, within the feedback window, at most twice."""
    complaint = _owned(svc, complaint_id, citizen_id)
    reason = parse_reopen(payload)
    if complaint.reopen_pending and complaint.reopen_reason == reason:
        # A client's retry (after a 5xx, say): the first result; the case was reopened once.
        return _reopened(int(complaint.reopens))
    now = svc.now()
    ends = parse_iso(complaint.feedback_ends_at) if complaint.feedback_ends_at else None
    reopens = int(complaint.reopens or 0)
    ensure_may_reopen(complaint.status, ends, now, reopens, answered=bool(complaint.answered_at))
    if not complaint.feedback_token:
        # The execution is not waiting for a reopening yet (a second after the reply); nothing is changed.
        raise Unavailable("the case is not ready to be reopened yet")
    at = iso(now)
    try:
        # Only while it is answered, its feedback window lasts and no other reopening came in between.
        svc.store.reopen_case(
            complaint.id,
            reopens,
            reason,
            at,
            audit=new_audit_entry(
                complaint.id, at, f"citizen:{citizen_id}", "reopened", details={"round": reopens + 2, "reason": reason}
            ),
            report=report.reopened(now, parse_iso(complaint.created_at)),
        )
    except ConditionFailed:
        latest = svc.store.existing_complaint(complaint.id)  # a concurrent reopen, or the window just closed
        ensure_may_reopen(latest.status, ends, svc.now(), int(latest.reopens or 0), answered=True)
        raise Conflict("the case changed meanwhile; reload it") from None
    svc.metrics.count("ComplaintReopened")
    return _reopened(reopens + 1)


def _reopened(reopens: int) -> dict:
    """The reopening is durable: the complaints stream hands it to the feedback window's wait."""
    return {"status": sop.STATUS_OPEN, "round": reopens + 1, "reopens_left": sop.MAX_REOPENS - reopens}
