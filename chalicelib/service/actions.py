"""What a member of staff sees behind an action link (GET: never changes anything)."""

from __future__ import annotations

from ..domain import catalog, sop
from ..domain.errors import AlreadyDecided, NotFound
from ..domain.roles import team_name
from .attachments import attachments_of
from .container import Services
from .links import resolve_link
from .views import case_context


def allowed_decisions(stage: sop.Stage, followups: bool = True) -> list[dict]:
    """The decisions a stage allows, as the action page and the console render their forms.

    ``followups`` is false for a visit of an execution started before questions and duplicates existed.
    """
    out = []
    for outcome in stage.outcomes:
        if outcome.name in sop.FOLLOWUP_OUTCOMES and not followups:
            continue
        key, value = outcome.selector
        out.append(
            {
                "outcome": outcome.name,
                "label": {"id": outcome.label_id, "en": outcome.label_en},
                "select": {key: value} if value is not None else None,
                "fields": [{"name": f.name, "kind": f.kind, "max_length": f.max_length} for f in outcome.fields],
                "leads_to": outcome.leads_to,
            }
        )
    return out


def describe_action(svc: Services, token: str) -> dict:
    """The pending decision behind a link. Used link or decided stage -> AlreadyDecided (409)."""
    link = resolve_link(svc, token)
    item = svc.store.get_work_item(link.complaint_id, int(link.step))
    complaint = svc.store.get_complaint(link.complaint_id)
    if item is None or complaint is None:
        raise NotFound("unknown link")
    if link.used_at or item.decision is not None:
        raise AlreadyDecided("this stage has been decided already")
    stage = sop.stage(item.stage)
    earlier = [i for i in svc.store.work_items(complaint.id) if i.step < item.step and i.decision]
    history = [
        {
            "stage": i.stage,
            "label": {"id": sop.stage(i.stage).label_id, "en": sop.stage(i.stage).label_en},
            "decision": i.decision,
            "decided_at": i.decided_at,
            "answer": i.answer,
        }
        for i in sorted(earlier, key=lambda i: i.step)
    ]
    return {
        "stage": stage.name,
        "label": {"id": stage.label_id, "en": stage.label_en},
        "role": item.role,
        "team": team_name(sop.Role(item.role), item.opd),
        "due_at": item.due_at,
        "overdue": bool(item.overdue),
        "allowed": allowed_decisions(stage, bool(item.followups)),
        "case": {
            **case_context(complaint),
            "created_at": complaint.created_at,
            "kind": complaint.kind,
            "opd": complaint.opd,
            "opd_response": complaint.opd_response,
        },
        "history": history,
        "attachments": attachments_of(svc, complaint.id),
        "visit": item.context or {},  # the citizen's answer that resumed this stage, or a reopening's reason
        "link_expires_at": link.expires_at,
        "opds": [{"code": o.code, "name": o.name} for o in catalog.OPDS.values()],
        "suggested_opd": catalog.CATEGORIES[complaint.category].opd
        if complaint.category in catalog.CATEGORIES
        else None,
    }
