"""Entering a stage: the visit's work item, its planned clock, and the case's new stage, in one write.

A visit may resume a stage the citizen was asked about (it keeps the business time it had left) or
start a reopened round (it carries the citizen's reason to the team).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from ...domain import sop
from ...domain.planner import plan_stage, whole_sop_due
from ...domain.records import Complaint, WorkItem, new_audit_entry
from ...domain.roles import queue_of
from ...domain.timestamps import iso, parse_iso
from ..container import Services
from .case import SYSTEM, moment, visit_of
from .clock import next_step
from .outbox import is_redelivery, tell_citizen


@dataclass
class _Visit:
    """What a new visit inherits: from the paused visit it resumes, or from the reopening."""

    used: timedelta = timedelta(0)  # business time the stage spent before it asked the citizen
    context: dict | None = None  # shown to the team: the question and answer, or the reopening's reason
    carried: dict = field(default_factory=dict)  # reminder and escalations already sent
    paused_seconds: float | None = None  # the case's pauses for the citizen, this one included
    sop_due_at: str | None = None  # the whole case's SOP target, moved by the pause
    reopened: bool = False  # the visit starts a reopened round
    details: dict = field(default_factory=dict)  # for the audit entry


def _resumed(svc: Services, complaint: Complaint, paused_step: int, now: datetime) -> _Visit:
    calendar = svc.settings.calendar()
    paused_item = visit_of(svc, complaint.id, paused_step)
    asked_at = moment(paused_item.decided_at)
    paused = calendar.between(asked_at, now)
    total_paused = timedelta(seconds=float(complaint.paused_seconds or 0)) + paused
    return _Visit(
        used=timedelta(seconds=float(paused_item.carried_seconds or 0))
        + calendar.between(parse_iso(paused_item.entered_at), asked_at),
        context={
            "question": paused_item.question,
            "answer": paused_item.answer,
            "asked_at": paused_item.decided_at,
            "answered_at": paused_item.answered_at,
        },
        carried={
            "reminded_at": paused_item.reminded_at,
            "escalations": paused_item.escalations or 0,
            "overdue": bool(paused_item.overdue),
        },
        paused_seconds=round(total_paused.total_seconds(), 3),
        sop_due_at=iso(
            whole_sop_due(
                parse_iso(complaint.created_at), total_paused, calendar, svc.settings.time_scale, svc.settings.sla
            )
        ),
        details={"resumes": paused_step, "paused_business_minutes": round(paused.total_seconds() / 60, 1)},
    )


def _reopened(complaint: Complaint) -> _Visit:
    round_number = int(complaint.reopens or 0) + 1
    return _Visit(
        context={"reopen_reason": complaint.reopen_reason, "round": round_number},
        reopened=True,
        details={"round": round_number},
    )


def enter_stage(svc: Services, message: dict) -> None:
    """Open the work item of this stage visit, plan its clock, answer with the first wait.

    A visit that resumes a stage after the citizen answered gets the business time the stage
    had left (the pause is not counted, and the whole case's SOP target moves by the pause);
    a visit that starts a reopened round carries the citizen's reason to the team.
    """
    complaint = svc.store.existing_complaint(message["complaint_id"])
    stage = sop.stage(message["stage"])
    step = int(message["step"])
    facts = message.get("visit") or {}
    now = svc.now()
    calendar, scale = svc.settings.calendar(), svc.settings.time_scale
    opd = complaint.opd if stage.role is sop.Role.OPD else None
    if facts.get("resumes"):
        visit = _resumed(svc, complaint, int(facts["resumes"]), now)
    elif facts.get("reopened"):
        visit = _reopened(complaint)
    else:
        visit = _Visit()
    used, carried = visit.used, visit.carried
    details = {"step": step, **visit.details}
    plan = plan_stage(stage.name, now, calendar, scale, svc.settings.sla, complaint.category, used=used)
    item = WorkItem(
        complaint_id=complaint.id,
        step=step,
        stage=stage.name,
        role=stage.role.value,
        opd=opd,
        queue=queue_of(stage.role, opd),
        tracking_number=complaint.tracking_number,
        title=complaint.title,
        category=complaint.category,
        channel=complaint.channel,
        received_at=complaint.created_at,
        entered_at=iso(plan.started_at),
        remind_at=iso(plan.remind_at),
        due_at=iso(plan.due_at),
        carried_seconds=round(used.total_seconds(), 3),
        context=visit.context,
        followups="visit" in message,
        **{k: v for k, v in carried.items() if v},
    )
    details["due_at"] = item.due_at
    # The visit's write sets the case's step: a redelivery that finds the case at this step or later knows
    # the visit is open and does not write it again (outbox.redelivery).
    created = not (is_redelivery() and (complaint.step or 0) >= step) and svc.store.enter_stage(
        item,
        iso(now),
        overdue=bool(carried.get("overdue")),  # a stage late before it asked stays late
        audit=new_audit_entry(complaint.id, iso(now), SYSTEM, "stage_entered", stage.name, details),
        paused_seconds=visit.paused_seconds,
        sop_due_at=visit.sop_due_at,
        reopened=visit.reopened,
    )
    if not created:
        item = visit_of(svc, complaint.id, step)  # redelivered: keep the first plan
    if step == 1:
        tell_citizen(svc, complaint.id, "received")
    clock = next_step(svc, item, now)
    svc.workflow.complete(message["task_token"], {"wait_seconds": clock.wait_seconds})
