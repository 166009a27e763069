"""The end of a round: the reply delivered, the feedback window, the case closed (or refused, a duplicate,
left unanswered).

Each end acts only on the round its message names: a redriven message of an earlier round must not
answer or close a case the citizen has reopened.
"""

from __future__ import annotations

import logging

from ...domain import report
from ...domain.planner import feedback_ends, seconds_until
from ...domain.records import Complaint, new_audit_entry
from ...domain.timestamps import iso, parse_iso
from ..container import Services
from ..ports import ConditionFailed
from .case import SYSTEM, sent_at_of
from .outbox import tell_citizen
from .questions import answer_deadline

log = logging.getLogger(__name__)


def _round_of(message: dict) -> int | None:
    """The visit the message names (messages of executions started before rounds existed name none)."""
    return int(message["step"]) if "step" in message else None


def _close_open_case(
    svc: Services, complaint: Complaint, now: str, action: str, reason: str | None, drop_question: bool = False
) -> None:
    """Close a case that is still open (once: a redelivery finds it closed)."""
    try:
        svc.store.close_open_case(
            complaint.id,
            now,
            new_audit_entry(complaint.id, now, SYSTEM, action),
            report=report.closed(parse_iso(now), parse_iso(complaint.created_at)),
            reason=reason,
            drop_question=drop_question,
        )
    except ConditionFailed:
        pass  # closed already: a redelivered message


def close_unanswered(svc: Services, message: dict) -> None:
    """The citizen did not answer in time: the case closes and they are told why."""
    complaint_id = message["complaint_id"]
    now = iso(svc.now())
    deadline = answer_deadline(svc)
    reason = (
        f"Pertanyaan petugas tidak dijawab dalam {deadline.describe_id()}. / "
        f"The officer's question was not answered within {deadline.describe_en()}."
    )
    _close_open_case(
        svc, svc.store.existing_complaint(complaint_id), now, "closed_unanswered", reason, drop_question=True
    )
    tell_citizen(svc, complaint_id, "unanswered")
    svc.workflow.complete(message["task_token"], {"closed": True})


def deliver_reply(svc: Services, message: dict) -> None:
    """SOP step 7: the citizen receives the reply. Answers with the feedback window.

    The first reply also judges the whole case against the SOP's target (section E).
    """
    complaint_id = message["complaint_id"]
    now = svc.now()
    complaint = svc.store.existing_complaint(complaint_id)
    ends = feedback_ends(now, svc.settings.calendar(), svc.settings.time_scale, svc.settings.sla)
    sop_outcome = None
    if complaint.sop_outcome is None and complaint.sop_due_at:
        sop_outcome = "met" if now <= parse_iso(complaint.sop_due_at) else "breached"
    first = not int(complaint.reopens or 0)
    received_at = parse_iso(complaint.created_at)
    # The whole case's business time to its first answer, pauses for the citizen excluded.
    case_minutes = (
        max(
            0.0,
            (svc.settings.calendar().between(received_at, now).total_seconds() - float(complaint.paused_seconds or 0))
            / 60,
        )
        if first
        else None
    )
    try:
        # Not a case the citizen has just reopened (its new round not entered yet, so the step is
        # still this round's): a late copy of this round's message must not answer it again.
        svc.store.record_reply_delivered(
            complaint_id,
            iso(now),
            iso(ends),
            new_audit_entry(
                complaint_id,
                iso(now),
                SYSTEM,
                "reply_delivered",
                details={"round": int(complaint.reopens or 0) + 1, "sop": sop_outcome},
            ),
            report=report.answered(
                now,
                received_at,
                complaint.channel,
                complaint.category,
                report.answering_opd(complaint.kind, complaint.opd),
                first,
                case_minutes,
                sop_outcome,
            ),
            sop_outcome=sop_outcome,
            step=_round_of(message),
        )
        if sop_outcome:
            svc.metrics.count("SopTargetMet" if sop_outcome == "met" else "SopTargetBreached")
    except ConditionFailed:
        complaint = svc.store.existing_complaint(complaint_id)  # answered already: a redelivered message
        step = _round_of(message)
        if complaint.reopen_pending or (step is not None and int(complaint.step) != step):
            log.warning("a reply message of an earlier round came back (a redrive?); it changes nothing")
            svc.workflow.complete(message["task_token"], {"feedback_seconds": 1})
            return
        ends = parse_iso(complaint.feedback_ends_at) if complaint.feedback_ends_at else ends
    rounds = int(complaint.reopens or 0)
    tell_citizen(svc, complaint_id, "reply", key="reply" if rounds == 0 else f"reply-{rounds + 1}")
    svc.workflow.complete(message["task_token"], {"feedback_seconds": seconds_until(now, ends)})


def await_feedback(svc: Services, message: dict) -> None:
    """Keep the newest token of the feedback window; complete at once if the citizen reopened."""
    complaint_id = message["complaint_id"]
    try:
        svc.store.record_feedback_token(complaint_id, message["task_token"], sent_at_of(message))
    except ConditionFailed:
        log.info("an older feedback wait arrived after a newer one; its token is dead, nothing to do")
        return
    # Read after the write: whichever of us and the reopen wrote second sees both.
    if svc.store.existing_complaint(complaint_id).reopen_pending:
        svc.workflow.complete(message["task_token"], {"reopen": True})


def close(svc: Services, message: dict) -> None:
    """The feedback window has passed: the answered case closes (unless it was just reopened)."""
    complaint_id = message["complaint_id"]
    now = iso(svc.now())
    try:
        svc.store.close_answered_case(
            complaint_id,
            now,
            new_audit_entry(complaint_id, now, SYSTEM, "closed"),
            report=report.closed(parse_iso(now)),
            step=_round_of(message),
        )
    except ConditionFailed:
        if svc.store.existing_complaint(complaint_id).reopen_pending:  # reopened as the window ended: a new round
            svc.workflow.complete(message["task_token"], {"closed": False, "reopened": True})
            return
    svc.workflow.complete(message["task_token"], {"closed": True, "reopened": False})


def reject(svc: Services, message: dict) -> None:
    """Intake refused the complaint: close it and tell the citizen why."""
    _close_open_case(svc, svc.store.existing_complaint(message["complaint_id"]), iso(svc.now()), "rejected", None)
    tell_citizen(svc, message["complaint_id"], "rejected")
    svc.workflow.complete(message["task_token"], {"closed": True})


def close_duplicate(svc: Services, message: dict) -> None:
    """Classification found the case reported before: close this one, tell the citizen which carries on."""
    complaint_id = message["complaint_id"]
    complaint = svc.store.existing_complaint(complaint_id)
    reason = (
        f"Laporan yang sama sudah ditangani sebagai {complaint.duplicate_of}. / "
        f"The same matter is handled as {complaint.duplicate_of}."
    )
    _close_open_case(svc, complaint, iso(svc.now()), "closed_duplicate", reason)
    tell_citizen(svc, complaint_id, "duplicate", original=complaint.duplicate_of)
    svc.workflow.complete(message["task_token"], {"closed": True})
