"""Staff decide a stage: written once, durably; the work-items stream hands it to the state machine."""

from __future__ import annotations

from collections.abc import Iterable

from ..domain import report, sop
from ..domain.decisions import parse_decision
from ..domain.errors import AlreadyDecided, NotFound, ValidationFailed
from ..domain.feedback import ensure_duplicate_target
from ..domain.records import WorkItem, new_audit_entry
from ..domain.report import Delta
from ..domain.timestamps import iso, parse_iso
from .container import Services
from .links import RATING, resolve_link
from .ports import ConditionFailed


def duplicate_target(svc: Services, complaint_id: str, tracking_number: str) -> str:
    """The id of the case a duplicate points to; ValidationFailed unless that case carries on."""
    original = svc.store.complaint_by_tracking_number(tracking_number)
    if original is None:
        raise ValidationFailed([{"field": "of", "code": "unknown_case"}])
    ensure_duplicate_target(complaint_id, original.id, original.kind, original.status, bool(original.answered_at))
    return original.id


def decide(
    svc: Services,
    complaint_id: str,
    step: int,
    payload,
    actor: str,
    link_hash: str | None = None,
    item: WorkItem | None = None,
) -> dict:
    """Record the decision on the work item (only if undecided); once written it is a success.

    The write's record on the work-items stream hands it to the state machine, retried until Step
    Functions takes it (service/delivery.py); if the token has timed out meanwhile, the stage's next
    handoff finds the decision and completes the task at once. ``item`` is the work item when the
    caller has just read it (the conditional write, not this read, guards the decision).
    """
    item = item or svc.store.get_work_item(complaint_id, step)
    if item is None:
        raise NotFound("work item not found")
    if item.decision is not None:
        raise AlreadyDecided("this stage has been decided already")
    decision = parse_decision(item.stage, payload)
    if decision.outcome in sop.FOLLOWUP_OUTCOMES and not item.followups:
        # This case's execution started under a definition that cannot route it (it would fail).
        raise ValidationFailed([{"field": "decision", "code": "not_allowed", "stage": item.stage}])
    now = svc.now()
    minutes = round(svc.settings.calendar().between(parse_iso(item.entered_at), now).total_seconds() / 60, 1)
    sla = "met" if now <= parse_iso(item.due_at) else "breached"
    output = decision.as_output()
    # Routed to an agency: its staff may see the case from now on.
    routed_opd = decision.values["opd"] if "opd" in decision.values else None
    received_at = None  # ... and it joins the agency's case list (service/case_list.py), keyed by this
    if routed_opd is not None:
        received_at = item.received_at or svc.store.existing_complaint(complaint_id).created_at
    question: str | None = None
    pending_question: dict | None = None
    carries_on: str | None = None
    counted: Iterable[Delta] = ()
    if decision.outcome == "duplicate":
        carries_on = duplicate_target(svc, complaint_id, decision.values["of"])
    elif decision.outcome == "request_information":
        # The visit ends here, so its clock stops; the citizen sees the question at once.
        question = decision.values["question"]
        pending_question = {"question": question, "asked_at": iso(now), "step": step, "stage": item.stage}
    if decision.outcome != "request_information":  # a visit that asked is counted when its stage resumes and ends
        stage_minutes = minutes + float(item.carried_seconds or 0) / 60
        counted = report.visit_completed(now, item.stage, item.opd, stage_minutes, sla == "met")
    if routed_opd is not None:  # the agency received the case (the public scorecards' "received")
        counted = [*counted, *report.routed(now, routed_opd)]
    try:
        svc.store.record_decision(
            item.complaint_id,
            item.step,
            decision=output,
            decided_at=iso(now),
            decided_by=actor,
            sla=sla,
            business_minutes=minutes,
            question=question,
            complaint_changes=decision.complaint_changes(),
            routed_opd=routed_opd,
            received_at=received_at,
            pending_question=pending_question,
            audit=new_audit_entry(
                complaint_id, iso(now), actor, "decided", item.stage, {"step": step, "sla": sla, **output}
            ),
            link_hash=link_hash,
            carries_on=carries_on,
            report=counted,
        )
    except ConditionFailed as failed:
        if carries_on and failed.reasons[:1] == ["ConditionalCheckFailed"]:  # PynamoDB sends condition checks first
            # The other case was closed as a duplicate (of this one?) a moment ago.
            ensure_duplicate_target(complaint_id, carries_on, sop.DUPLICATE)
        raise AlreadyDecided("this stage has been decided already") from None
    svc.metrics.count(
        "InformationRequested" if decision.outcome == "request_information" else "StageCompleted",
        dimensions={"Stage": item.stage},
    )
    svc.metrics.count("StageDurationBusinessMinutes", value=minutes, unit="None", dimensions={"Stage": item.stage})
    # Durable now: the work item's stream hands it to the state machine (service/delivery.py).
    return {"stage": item.stage, "outcome": decision.outcome, "leads_to": decision.leads_to, "sla": sla}


def decide_by_link(svc: Services, token: str, payload) -> dict:
    link = resolve_link(svc, token)
    if link.role == RATING:
        raise NotFound("unknown link")  # a citizen's rating link decides nothing
    if link.used_at:
        raise AlreadyDecided("this link has been used already")
    return decide(svc, link.complaint_id, int(link.step), payload, actor=f"link:{link.role}", link_hash=link.token_hash)
