"""The staff console's use cases: my queues, find a case, read it whole, decide from it.

Authorization is checked here on every object (the web layer has already checked the kind of
action against the permission table in ``domain.roles``): an agency sees only the cases that
were routed to it, and a decision needs the stage's owner as the SOP names it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from ..domain import catalog, history, sop, tracking
from ..domain.errors import Forbidden, NotCurrentStage, NotFound, ValidationFailed
from ..domain.records import Complaint, WorkItem
from ..domain.roles import PERMISSIONS, StaffMember, team_name
from ..domain.submission import WHATSAPP
from ..domain.timestamps import iso, parse_iso
from . import followup, reply_templates
from .actions import allowed_decisions
from .attachments import attachments_of
from .container import Services
from .decide import decide
from .paging import decode_page_token, encode_page_token, invalid_token, is_hex_id, is_time
from .views import complaint_view, summary_view

MAX_PAGE = 100
STATES = ("open", "overdue")


# -- who am I -----------------------------------------------------------------------
def _calendar_now(svc: Services):
    now = svc.now()
    calendar = svc.settings.calendar()
    return now, calendar, calendar.between(now, now + timedelta(minutes=1)) > timedelta(0)


def me(svc: Services, member: StaffMember) -> dict:
    _, _, office_open = _calendar_now(svc)
    return {
        "email": member.email,
        "groups": sorted(member.groups),
        "roles": sorted(member.roles),
        "opds": sorted(member.opds),
        "permissions": sorted(action.value for action in PERMISSIONS if member.may(action)),
        "queues": member.queues(),
        "office_open": office_open,
    }


# -- queues ------------------------------------------------------------------------------
def _valid_cursor(cursor: Any) -> bool:
    """A position as we wrote it: [due_at (ISO time), complaint id, step]."""
    if not isinstance(cursor, list) or len(cursor) != 3:
        return False
    due_at, complaint_id, step = cursor
    if not (isinstance(due_at, str) and isinstance(complaint_id, str) and type(step) is int and 0 < step < 10**6):
        return False
    return is_time(due_at) and is_hex_id(complaint_id)


def _decode(token: str, state: str, queues: list[str]) -> dict[str, tuple | None]:
    """The per-queue positions of a page token; only the caller's own queues are accepted."""
    invalid = invalid_token()
    data = decode_page_token(token)
    if not isinstance(data, dict) or data.get("s") != state or not isinstance(data.get("q"), dict):
        raise invalid
    cursors: dict[str, tuple | None] = {}
    for queue, cursor in data["q"].items():
        if queue not in queues:
            raise invalid
        if cursor is not None and not _valid_cursor(cursor):
            raise invalid
        cursors[queue] = tuple(cursor) if cursor is not None else None
    return cursors


def _cursor(item: WorkItem) -> list:
    return [item.due_at, item.complaint_id, int(item.step)]


def work_queue(
    svc: Services, member: StaffMember, state: str = "open", limit: int = 20, next_token: str | None = None
) -> dict:
    """The undecided stage visits of the member's queues (all queues for supervisors), earliest due first.

    Each queue is a query of the sparse queue index (decided items leave it), so the cost is the
    page size times the number of queues, whatever the number of closed cases. A page merges the
    queues by due time; the token remembers where each queue stands.
    """
    if state not in STATES:
        raise ValidationFailed([{"field": "state", "code": "invalid_state"}])
    limit = max(1, min(limit, MAX_PAGE))
    queues = member.queues()
    cursors = _decode(next_token, state, queues) if next_token else {q: None for q in queues}
    now, calendar, office_open = _calendar_now(svc)
    due_by = iso(now) if state == "overdue" else None
    if due_by and any(c and c[0] > due_by for c in cursors.values()):  # outside the key condition: not ours
        raise invalid_token()
    fetched = {q: svc.store.open_items_of(q, limit, after=cursors[q], due_by=due_by) for q in cursors}
    # Merge by due time, taking from each queue only a prefix of what the index returned (DynamoDB's
    # own order of equal due times is kept), so each queue's position is the last item taken from it.
    taken = {q: 0 for q in fetched}
    page: list[WorkItem] = []
    while len(page) < limit:
        heads = [(fetched[q][n].due_at, order, q) for order, (q, n) in enumerate(taken.items()) if n < len(fetched[q])]
        if not heads:
            break
        queue = min(heads)[2]
        page.append(fetched[queue][taken[queue]])
        taken[queue] += 1
    remaining: dict[str, list | None] = {}
    for queue, items in fetched.items():
        if len(items) < limit and taken[queue] == len(items):
            continue  # this queue has nothing more
        last = items[taken[queue] - 1] if taken[queue] else None
        cursor = cursors[queue]
        remaining[queue] = _cursor(last) if last else (list(cursor) if cursor else None)
    result: dict[str, Any] = {
        "items": [_queue_entry(item, now, calendar) for item in page],
        "office_open": office_open,
        "as_of": iso(now),
        # How long a working day is (the console says "2 hari kerja" of the minutes left, as the emails do).
        "working_day_business_minutes": round(calendar.working_day().total_seconds() / 60),
    }
    if remaining:
        result["next_token"] = encode_page_token({"s": state, "q": remaining})
    return result


def _queue_entry(item: WorkItem, now, calendar) -> dict:
    due = parse_iso(item.due_at)
    return {
        "complaint_id": item.complaint_id,
        "tracking_number": item.tracking_number,
        "stage": item.stage,
        "step": int(item.step),
        "title": item.title,
        "category": item.category,
        "opd": item.opd,
        "channel": item.channel or "web",
        "received_at": item.received_at,
        "entered_at": item.entered_at,
        "due_at": item.due_at,
        "overdue": bool(item.overdue) or due <= now,
        # Office minutes to the deadline (negative once past it): the console counts it down.
        "business_minutes_left": round(calendar.between(now, due).total_seconds() / 60),
    }


# -- finding and reading a case ------------------------------------------------------------
def _routed(complaint: Complaint) -> set[str]:
    return set(complaint.routed_opds or ()) | ({complaint.opd} if complaint.opd else set())


def _visible(svc: Services, member: StaffMember, complaint_id: str) -> Complaint:
    complaint = svc.store.get_complaint(complaint_id)
    if complaint is None:
        raise NotFound("complaint not found")
    if not member.may_see_case(_routed(complaint)):
        raise Forbidden("this case was not routed to your agency")
    return complaint


def find_by_tracking_number(svc: Services, member: StaffMember, text: str | None) -> dict:
    """Search as a citizen reads the number out: any case, spaces or dashes, O for 0, I or L for 1."""
    number = tracking.normalize(text or "")
    if number is None:
        raise ValidationFailed([{"field": "tracking_number", "code": "invalid_tracking_number"}])
    complaint = svc.store.complaint_by_tracking_number(number)
    if complaint is None or not member.may_see_case(_routed(complaint)):
        return {"items": []}  # an agency is not told that other agencies' cases exist
    return {"items": [{**summary_view(complaint), "channel": complaint.channel or "web"}]}


def _person(actor: str, anonymous: bool) -> str:
    """The audit's actor; an anonymous reporter's account id (or WhatsApp number) is not shown to staff."""
    if anonymous and actor.startswith("citizen:"):
        return "citizen"
    return "whatsapp" if anonymous and actor.startswith("whatsapp:") else actor


def _whatsapp_thread(svc: Services, complaint: Complaint) -> list[dict[str, str | None]] | None:
    """The case's WhatsApp messages (service/whatsapp.py, workflow/outbox.py), oldest first, for a case that came
    by WhatsApp; None for any other channel. ``status`` is what Meta last said of a message we sent."""
    if complaint.channel != WHATSAPP:
        return None
    if svc.whatsapp_records is None:
        return []
    thread = []
    for entry in svc.whatsapp_records.thread(complaint.id):
        message: dict[str, str | None] = {
            "at": entry.at,
            "direction": entry.direction,
            "text": entry.text,
            "kind": entry.kind,
        }
        if entry.direction == "out":
            message["status"] = entry.status
        thread.append(message)
    return thread


def _work_item_view(item: WorkItem, svc: Services, complaint: Complaint) -> dict:
    stage = sop.stage(item.stage)
    allowed = (
        svc.settings.sla.allowed(item.stage, svc.settings.calendar(), complaint.category) * svc.settings.time_scale
    )
    return {
        "step": int(item.step),
        "stage": item.stage,
        "label": {"id": stage.label_id, "en": stage.label_en},
        "team": team_name(sop.Role(item.role), item.opd),
        "opd": item.opd,
        "sop_time": {"id": stage.sla.describe_id(), "en": stage.sla.describe_en()},
        "allowed_business_minutes": round(allowed.total_seconds() / 60),
        "entered_at": item.entered_at,
        "due_at": item.due_at,
        "overdue": bool(item.overdue),
        "reminded_at": item.reminded_at,
        "escalations": int(item.escalations or 0),
        "decided_at": item.decided_at,
        "decided_by": item.decided_by,
        "outcome": (item.decision or {}).get("outcome"),
        "decision": item.decision,
        "sla": item.sla_outcome,
        "business_minutes": item.business_minutes,
        # Why this visit exists beyond the SOP's path: the citizen's answer, or a reopening's reason.
        "context": item.context,
        "question": item.question,
        "answer": item.answer,
    }


def staff_case(svc: Services, member: StaffMember, complaint_id: str) -> dict:
    """The case as staff see it: the citizen's view plus channel, reporter, stage visits, audit and emails."""
    complaint = _visible(svc, member, complaint_id)
    items = sorted(svc.store.work_items(complaint_id), key=lambda i: i.step)
    trail = svc.store.audit_trail(complaint_id)
    anonymous = bool(complaint.anonymous)
    original = svc.store.complaint_by_tracking_number(complaint.duplicate_of) if complaint.duplicate_of else None
    if original is not None and not member.may_see_case(_routed(original)):
        original = None  # an agency is not told about other agencies' cases (the number only)
    view = complaint_view(complaint, items, trail, now=svc.now(), original=original)
    reporter: dict[str, str | None] | None = None
    if not anonymous:
        reporter = {"name": complaint.citizen_name, "email": complaint.citizen_email, "phone": complaint.citizen_phone}
    if complaint.personal_data_erased_at:  # the reporter closed their account (service/privacy.py)
        reporter = {"name": None, "email": None, "phone": None, "erased_at": complaint.personal_data_erased_at}
    emails, audit = [], []
    # The sentences the console shows (domain/history.py): an agency's stage visit names the agency.
    told = history.HistoryContext(anonymous=anonymous, opd_of_step={int(i.step): i.opd for i in items})
    for entry in trail:
        details = dict(entry.details or {})
        if entry.action == "email_sent":
            to = list(details.get("to", []))
            if anonymous and complaint.citizen_email in to:
                to = ["(pelapor anonim / anonymous reporter)" if a == complaint.citizen_email else a for a in to]
            emails.append(
                {
                    "sent_at": entry.at,
                    "to": to,
                    "subject": details.get("subject"),
                    "template": details.get("template"),
                    "stage": entry.stage,
                }
            )
        else:
            audit.append(
                {
                    "at": entry.at,
                    "actor": _person(entry.actor, anonymous),
                    "action": entry.action,
                    "stage": entry.stage,
                    "details": details,
                    "summary": history.summary(entry, told),
                }
            )
    current = items[-1] if items and items[-1].decision is None and complaint.status == sop.STATUS_OPEN else None
    category = catalog.category(complaint.category)
    allowed = allowed_decisions(sop.stage(current.stage), bool(current.followups)) if current else []
    # The current stage's reply templates, filled for this case, so its decision form can offer them.
    templates = (
        reply_templates.offered(
            svc, complaint, current.stage, any(a["outcome"] == "request_information" for a in allowed)
        )
        if current
        else []
    )
    view.update(
        {
            "channel": complaint.channel or "web",
            "external_ref": complaint.external_ref,
            "opd_response": complaint.opd_response,
            "entered_by": complaint.entered_by,
            "reporter": reporter,
            "attachments": attachments_of(svc, complaint_id),
            "routed_opds": sorted(_routed(complaint)),
            "work_items": [_work_item_view(i, svc, complaint) for i in items],
            "audit": audit,
            "emails": emails,
            "current": None
            if current is None
            else {
                "step": int(current.step),
                "stage": current.stage,
                "label": {"id": sop.stage(current.stage).label_id, "en": sop.stage(current.stage).label_en},
                "opd": current.opd,
                "due_at": current.due_at,
                "allowed": allowed,
                "may_decide": member.owns_stage(current.stage, current.opd),
            },
            "opds": [{"code": o.code, "name": o.name} for o in catalog.OPDS.values()],
            "suggested_opd": category.opd if category else None,
            "templates": templates,
        }
    )
    thread = _whatsapp_thread(svc, complaint)
    if thread is not None:
        view["whatsapp"] = thread
    return view


# -- deciding from the console -----------------------------------------------------------------
def decide_as_staff(svc: Services, member: StaffMember, complaint_id: str, payload: Any) -> dict:
    """Decide the case's current stage through the same use case as the emailed links.

    The decision is written once (a conditional write on the work item), so whichever of a
    link and the console comes second gets 409, and the audit names the person.
    """
    if not isinstance(payload, Mapping):
        raise ValidationFailed([{"field": "", "code": "not_an_object"}])
    stage_name = payload.get("stage")
    if not isinstance(stage_name, str) or stage_name not in sop.STAGE_NAMES:
        raise ValidationFailed([{"field": "stage", "code": "unknown_stage" if stage_name else "required"}])
    complaint = _visible(svc, member, complaint_id)
    if sop.stage(stage_name).role.value not in member.roles:
        raise Forbidden(f"{stage_name} is not your stage")
    item = svc.store.get_work_item(complaint_id, int(complaint.step)) if complaint.step else None
    if item is None or item.stage != stage_name or item.decision is not None or complaint.status != sop.STATUS_OPEN:
        raise NotCurrentStage(f"the case is not waiting at {stage_name}")
    if not member.owns_stage(item.stage, item.opd):
        raise Forbidden("this stage belongs to another agency")
    body = {key: value for key, value in payload.items() if key != "stage"}
    return decide(svc, complaint_id, int(item.step), body, actor=member.email, item=item)


def answer_for_reporter(svc: Services, member: StaffMember, complaint_id: str, payload: Any) -> dict:
    """The operator records the answer a reporter gave by phone, in person or by letter."""
    return followup.answer_question(svc, _visible(svc, member, complaint_id), payload, member.email)
