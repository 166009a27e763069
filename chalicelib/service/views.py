"""How a complaint is shown: to its citizen (API) and in emails (case context)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..domain import catalog, sop
from ..domain.errors import DomainError
from ..domain.feedback import ensure_may_rate, ensure_may_reopen


def _names(complaint) -> tuple[str, str]:
    category = catalog.category(complaint.category)
    if category is None:
        return complaint.category, complaint.subcategory
    sub = category.subcategory(complaint.subcategory)
    return category.name, sub.name if sub else complaint.subcategory


def case_context(complaint) -> dict[str, Any]:
    """The facts of a case as email templates see them (autoescaped in HTML)."""
    category_name, subcategory_name = _names(complaint)
    return {
        "id": complaint.id,
        "tracking_number": complaint.tracking_number,
        "category_name": category_name,
        "subcategory_name": subcategory_name,
        "title": complaint.title,
        "description": complaint.description,
        "location": complaint.location,
        "confidential": bool(complaint.confidential),
        "citizen_name": complaint.citizen_name,
        "channel": complaint.channel or "web",
        "reply": complaint.reply,
        "close_reason": complaint.close_reason,
    }


def timeline_entry(item) -> dict[str, Any]:
    stage = sop.stage(item.stage)
    entry = {
        "step": int(item.step),
        "stage": item.stage,
        "label": {"id": stage.label_id, "en": stage.label_en},
        "entered_at": item.entered_at,
        "due_at": item.due_at,
        "completed_at": item.decided_at,
        "overdue": bool(item.overdue),
        "sla": item.sla_outcome,  # "met" or "breached" once decided
        "business_minutes": item.business_minutes,
    }
    if item.question:  # this visit paused to ask the citizen
        entry["paused"] = {
            "question": item.question,
            "asked_at": item.decided_at,
            "answer": item.answer,
            "answered_at": item.answered_at,
        }
    if item.carried_seconds:
        entry["resumed_with_business_minutes_used"] = round(float(item.carried_seconds) / 60, 1)
    return entry


# Audit actions the citizen sees in their case's history, and what each is called there.
_CITIZEN_EVENTS = {
    "submitted": "submitted",
    "information_answered": "answer",
    "question_reminder_sent": "question_reminder",
    "reply_delivered": "reply",
    "reopened": "reopened",
    "rated": "rated",
    "closed": "closed",
    "rejected": "closed",
    "closed_unanswered": "closed",
    "closed_duplicate": "closed",
}


def citizen_events(trail) -> list[dict[str, Any]]:
    """The case's history in order, as its citizen may read it: no staff names, no internal notes."""
    events = []
    for entry in trail:
        details = entry.details or {}
        kind = _CITIZEN_EVENTS.get(entry.action)
        if entry.action == "stage_entered":
            stage = sop.stage(entry.stage)
            event = {"type": "stage", "stage": entry.stage, "label": {"id": stage.label_id, "en": stage.label_en}}
            if "resumes" in details:
                event.update(type="resumed", paused_business_minutes=details.get("paused_business_minutes"))
            elif "round" in details:
                event["round"] = details["round"]
        elif entry.action == "decided" and details.get("outcome") == "request_information":
            event = {"type": "question", "stage": entry.stage, "question": details.get("question")}
        elif kind is None:
            continue
        else:
            event = {"type": kind}
            for key in ("answer", "round", "reason", "score", "comment"):
                if details.get(key) is not None:
                    event[key] = details[key]
            if entry.action != "closed" and kind == "closed":
                event["why"] = entry.action
        events.append({"at": entry.at, **event})
    return events


def _allowed(rule, *facts) -> bool:
    """Whether a follow-up rule lets the citizen act now (the page offers only what the route accepts)."""
    try:
        rule(*facts)
    except DomainError:
        return False
    return True


def complaint_view(complaint, work_items, trail=(), *, now: datetime, original=None) -> dict[str, Any]:
    """What the citizen who owns the complaint sees."""
    category_name, subcategory_name = _names(complaint)
    items = sorted(work_items, key=lambda i: i.step)
    current = items[-1] if items and not items[-1].decided_at else None
    pending = complaint.pending_question
    feedback_ends = complaint.feedback_ends_at
    reopens = int(complaint.reopens or 0)
    view = {
        "id": complaint.id,
        "tracking_number": complaint.tracking_number,
        "status": complaint.status,
        "stage": complaint.stage,
        "due_at": current.due_at if current else None,
        "overdue": bool(current.overdue) if current else False,
        "sop_due_at": complaint.sop_due_at,  # the whole case's SOP target, time waiting for you excluded
        "sop_outcome": complaint.sop_outcome,
        "kind": complaint.kind,
        "category": {"code": complaint.category, "name": category_name},
        "subcategory": {"code": complaint.subcategory, "name": subcategory_name},
        "title": complaint.title,
        "description": complaint.description,
        "location": complaint.location,
        "lat": None if complaint.latitude is None else float(complaint.latitude),
        "long": None if complaint.longitude is None else float(complaint.longitude),
        "anonymous": bool(complaint.anonymous),
        "confidential": bool(complaint.confidential),
        "created_at": complaint.created_at,
        "updated_at": complaint.updated_at,
        "reply": complaint.reply,
        "answered_at": complaint.answered_at,
        "closed_at": complaint.closed_at,
        "close_reason": complaint.close_reason,
        "pending_question": None
        if not pending
        else {"question": pending["question"], "asked_at": pending["asked_at"], "stage": pending["stage"]},
        "rating": complaint.rating,
        "may_rate": _allowed(ensure_may_rate, complaint.status, complaint.rating, bool(complaint.answered_at)),
        "feedback_ends_at": feedback_ends,
        "reopens": reopens,
        # The execution must be waiting for a reopening too (its token arrives a moment after the reply).
        "may_reopen": bool(complaint.feedback_token)
        and _allowed(
            ensure_may_reopen,
            complaint.status,
            datetime.fromisoformat(feedback_ends) if feedback_ends else None,
            now,
            reopens,
            bool(complaint.answered_at),
        ),
        "timeline": [timeline_entry(i) for i in items],
        "events": citizen_events(trail),
    }
    if complaint.opd and complaint.kind == "aspiration":
        view["opd"] = {"code": complaint.opd, "name": catalog.OPDS[complaint.opd].name}
    if complaint.duplicate_of:
        # The case that carries on is someone else's: its number and progress only.
        view["duplicate_of"] = {"tracking_number": complaint.duplicate_of}
        if original is not None:
            view["duplicate_of"].update(
                status=original.status,
                stage=original.stage,
                answered_at=original.answered_at,
                closed_at=original.closed_at,
            )
    return view


def summary_view(complaint) -> dict[str, Any]:
    """A line of the citizen's list."""
    return {
        "id": complaint.id,
        "tracking_number": complaint.tracking_number,
        "status": complaint.status,
        "stage": complaint.stage,
        "title": complaint.title,
        "category": complaint.category,
        "created_at": complaint.created_at,
        "overdue": bool(complaint.overdue),
    }
