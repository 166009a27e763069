"""A stage asked the citizen: the wait for the answer, its one reminder, its deadline.

The stage's visit is decided (its clock stands still) while the question waits; the answer resumes the
stage in a new visit (entry.py), the deadline closes the case (closing.py).
"""

from __future__ import annotations

import logging
from datetime import datetime

from ...domain import sop
from ...domain.planner import EXPIRE, REMIND, AnswerPlan, answer_step, plan_answer
from ...domain.records import WorkItem, new_audit_entry
from ...domain.timestamps import iso
from ..container import Services
from ..ports import ConditionFailed
from .case import SYSTEM, moment, sent_at_of, visit_of
from .outbox import tell_citizen

log = logging.getLogger(__name__)


def _stored_answer_plan(item: WorkItem) -> AnswerPlan:
    """The wait for the answer as planned when the question was asked (later config changes don't move it)."""
    return AnswerPlan(moment(item.decided_at), moment(item.info_remind_at), moment(item.info_expires_at))


def ask_citizen(svc: Services, message: dict) -> None:
    """A stage asked the citizen (its visit is decided, so its clock stands still): plan the wait
    for the answer, email the question once, answer with the first wait."""
    complaint_id, step = message["complaint_id"], int(message["step"])
    item = visit_of(svc, complaint_id, step)
    if item.info_expires_at is None:
        plan = plan_answer(moment(item.decided_at), svc.settings.calendar(), svc.settings.time_scale, svc.settings.sla)
        try:
            item = svc.store.plan_answer_wait(complaint_id, step, iso(plan.remind_at), iso(plan.expires_at))
        except ConditionFailed:  # a concurrent delivery planned it (the same plan: it derives from the decision)
            item = visit_of(svc, complaint_id, step)
    tell_citizen(
        svc,
        complaint_id,
        "question",
        key=f"question-{step}",
        question=item.question,
        stage=sop.stage(item.stage),
        expires_at=item.info_expires_at,
        deadline=answer_deadline(svc),
    )
    if item.answer is not None:  # answered before the wait began: resume at once
        svc.workflow.complete(message["task_token"], {"wait_seconds": 1, "expired": False, "answered": True})
        return
    wait = answer_step(svc.now(), _stored_answer_plan(item), bool(item.info_reminded_at)).wait_seconds
    svc.workflow.complete(message["task_token"], {"wait_seconds": wait, "expired": False, "answered": False})


def answer_deadline(svc: Services) -> sop.Duration:
    """The time to answer, as the citizen is told it (configured, or the SOP's 10 working days)."""
    minutes = svc.settings.sla.answer_deadline_minutes
    return sop.ANSWER_DEADLINE if minutes is None else sop.Duration(minutes=round(minutes))


def await_answer(svc: Services, message: dict) -> None:
    """Keep the newest token of the wait for the answer; complete at once if the answer is in."""
    complaint_id, step = message["complaint_id"], int(message["step"])
    try:
        item = svc.store.record_answer_token(complaint_id, step, message["task_token"], sent_at_of(message))
    except ConditionFailed:
        log.info("an older answer wait arrived after a newer one; its token is dead, nothing to do")
        return
    if item.answer is not None:
        svc.workflow.complete(message["task_token"], {"answered": True})


def answer_timer(svc: Services, message: dict) -> None:
    """A wait for the answer ran out: remind the citizen once, or end the wait at the deadline."""
    complaint_id, step = message["complaint_id"], int(message["step"])
    item = visit_of(svc, complaint_id, step)
    now = svc.now()
    answered = {"wait_seconds": 1, "expired": False, "answered": True}
    if item.answer is not None:
        svc.workflow.complete(message["task_token"], answered)
        return
    clock = answer_step(now, _stored_answer_plan(item), bool(item.info_reminded_at))
    if clock.action == EXPIRE:
        try:
            svc.store.expire_question(complaint_id, step, iso(now))
        except ConditionFailed:
            item = visit_of(svc, complaint_id, step)
            if item.info_expired_at is None:  # the answer came just now: resume instead
                svc.workflow.complete(message["task_token"], answered)
                return
        svc.workflow.complete(message["task_token"], {"wait_seconds": 1, "expired": True, "answered": False})
        return
    if clock.action == REMIND:
        _remind_citizen(svc, item, now)
    elif item.info_reminded_at:  # claimed (by this message, or an earlier one): make sure it went out
        _send_question_reminder(svc, item)
    svc.workflow.complete(
        message["task_token"], {"wait_seconds": clock.wait_seconds, "expired": False, "answered": False}
    )


def _remind_citizen(svc: Services, item: WorkItem, now: datetime) -> None:
    """Claim the one reminder on the work item with its audit entry (one write), then email it once.

    A redelivery finds the claim; it (or any later timer message of the wait) sends the email if the
    delivery that claimed it died first.
    """
    try:
        svc.store.record_question_reminder(
            item.complaint_id,
            int(item.step),
            iso(now),
            new_audit_entry(
                item.complaint_id, iso(now), SYSTEM, "question_reminder_sent", item.stage, {"step": item.step}
            ),
        )
    except ConditionFailed:
        item = visit_of(svc, item.complaint_id, int(item.step))  # a concurrent delivery claimed it?
        if not item.info_reminded_at:
            return
    _send_question_reminder(svc, item)


def _send_question_reminder(svc: Services, item: WorkItem) -> None:
    if item.answer is not None or item.info_expired_at:
        return  # answered (or too late) meanwhile: nothing to remind of
    tell_citizen(
        svc,
        item.complaint_id,
        "question_reminder",
        key=f"question-reminder-{item.step}",
        question=item.question,
        expires_at=item.info_expires_at,
        stage=sop.stage(item.stage),
    )
