"""How a complaint is shown: to its citizen (API) and in emails (case context)."""

from __future__ import annotations

from typing import Any

from ..domain import catalog, sop


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
    return {
        "stage": item.stage,
        "label": {"id": stage.label_id, "en": stage.label_en},
        "entered_at": item.entered_at,
        "due_at": item.due_at,
        "completed_at": item.decided_at,
        "overdue": bool(item.overdue),
        "sla": item.sla_outcome,  # "met" or "breached" once decided
        "business_minutes": item.business_minutes,
    }


def complaint_view(complaint, work_items) -> dict[str, Any]:
    """What the citizen who owns the complaint sees."""
    category_name, subcategory_name = _names(complaint)
    items = sorted(work_items, key=lambda i: i.step)
    current = items[-1] if items and not items[-1].decided_at else None
    view = {
        "id": complaint.id,
        "tracking_number": complaint.tracking_number,
        "status": complaint.status,
        "stage": complaint.stage,
        "due_at": current.due_at if current else None,
        "overdue": bool(current.overdue) if current else False,
        "kind": complaint.kind,
        "category": {"code": complaint.category, "name": category_name},
        "subcategory": {"code": complaint.subcategory, "name": subcategory_name},
        "title": complaint.title,
        "description": complaint.description,
        "location": complaint.location,
        "anonymous": bool(complaint.anonymous),
        "confidential": bool(complaint.confidential),
        "created_at": complaint.created_at,
        "updated_at": complaint.updated_at,
        "reply": complaint.reply,
        "answered_at": complaint.answered_at,
        "closed_at": complaint.closed_at,
        "close_reason": complaint.close_reason,
        "timeline": [timeline_entry(i) for i in items],
    }
    if complaint.opd and complaint.kind == "aspiration":
        view["opd"] = {"code": complaint.opd, "name": catalog.OPDS[complaint.opd].name}
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
