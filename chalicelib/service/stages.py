"""What happens when the state machine hands us a message (the SQS consumer's use cases).

Every message carries a task token. Human stages (``handoff``) keep it on the
work item until someone decides; system steps do their work and answer at once.
Each handler is safe to run twice for the same message: SQS delivers at least once.
"""

from __future__ import annotations

import hashlib
import logging

from ..adapters.store import ConditionFailed, audit_entry
from ..adapters.tables import ComplaintModel, WorkItemModel
from ..domain import catalog, sop
from ..domain.staff import queue_of
from ..domain.planner import ESCALATE, REMIND, StagePlan, clock_step, feedback_window, plan_stage
from .links import issue_link
from .ports import EmailRejected, Services, iso, parse_iso
from .views import case_context

log = logging.getLogger(__name__)
SYSTEM = "system:state-machine"


class UnknownMessage(ValueError):
    pass


def team_name(role: sop.Role, opd: str | None) -> str:
    names = {
        sop.Role.OPERATOR: "Operator/Agen Aspirasi Kaltim",
        sop.Role.DISKOMINFO: "Tim Pelayanan Aspirasi Pengaduan Diskominfo",
        sop.Role.SUPERVISOR: "Kepala Seksi Pengelolaan Opini Komunikasi Publik",
    }
    if role is sop.Role.OPD:
        return f"Tim Pelayanan Aspirasi Pengaduan {catalog.OPDS[opd].name}"
    return names.get(role, role.value)


def _plan_of(item: WorkItemModel) -> StagePlan:
    return StagePlan(parse_iso(item.entered_at), parse_iso(item.remind_at), parse_iso(item.due_at))


def _clock(svc: Services, item: WorkItemModel, now):
    """The planner's next step for this work item, under the configured calendar and scale."""
    settings = svc.settings
    return clock_step(now, _plan_of(item), bool(item.reminded_at), item.escalations,
                      settings.calendar(), settings.time_scale, settings.max_escalations)


def _complaint(svc: Services, complaint_id: str) -> ComplaintModel:
    complaint = svc.store.get_complaint(complaint_id)
    if complaint is None:
        raise LookupError(f"complaint {complaint_id} does not exist")
    return complaint


def _send(svc: Services, complaint_id: str, stage: str | None, to, template: str, context: dict) -> None:
    """Send, or, if the mail service refuses the message for good, record that and go on.

    Each email sent is noted in the case's audit trail (staff see what the case caused).
    """
    try:
        sent = svc.notifier.send(to, template, context)
    except EmailRejected as rejected:
        log.warning("email %s refused for good (%s); the case goes on without it", template, rejected)
        svc.metrics.count("EmailsRejected", dimensions={"Template": template})
        return
    try:
        svc.store.append_audit(audit_entry(complaint_id, iso(svc.now()), SYSTEM, "email_sent", stage, {
            "template": template, "to": list(to), "subject": sent.subject}))
    except Exception:  # the email is out: a missing note must not make a redelivery send it twice
        log.exception("could not note email %s in the audit trail", template)


def _tell_citizen(svc: Services, complaint_id: str, template: str) -> None:
    """Email the citizen once per kind of news, even when SQS delivers the message again."""
    if not svc.store.claim_notification(complaint_id, template):
        return
    try:
        complaint = _complaint(svc, complaint_id)
        if not complaint.citizen_email:
            return  # entered by staff for a reporter without email: the operator keeps them informed
        _send(svc, complaint_id, complaint.stage, [complaint.citizen_email], template,
              {"c": case_context(complaint), "base_url": svc.settings.public_base_url})
    except Exception:
        svc.store.release_notification(complaint_id, template)  # the redelivery sends it
        raise


# -- stage entry --------------------------------------------------------------
def enter_stage(svc: Services, message: dict) -> None:
    """Open the work item of this stage visit, plan its clock, answer with the first wait."""
    complaint = _complaint(svc, message["complaint_id"])
    stage = sop.stage(message["stage"])
    step = int(message["step"])
    now = svc.now()
    opd = complaint.opd if stage.role is sop.Role.OPD else None
    plan = plan_stage(stage.name, now, svc.settings.calendar(), svc.settings.time_scale,
                      svc.settings.sla, complaint.category)
    item = WorkItemModel(
        complaint.id, step, stage=stage.name, role=stage.role.value, opd=opd,
        queue=queue_of(stage.role, opd), tracking_number=complaint.tracking_number, title=complaint.title,
        category=complaint.category, entered_at=iso(plan.started_at),
        remind_at=iso(plan.remind_at), due_at=iso(plan.due_at),
    )
    created = svc.store.open_work_item(
        item,
        complaint_actions=[
            ComplaintModel.stage.set(stage.name), ComplaintModel.step.set(step),
            ComplaintModel.due_at.set(item.due_at), ComplaintModel.overdue.set(False),
            ComplaintModel.updated_at.set(iso(now)),
        ],
        audit=audit_entry(complaint.id, iso(now), SYSTEM, "stage_entered", stage.name,
                          {"step": step, "due_at": item.due_at}),
    )
    if not created:
        item = svc.store.get_work_item(complaint.id, step)  # redelivered: keep the first plan
    if step == 1:
        _tell_citizen(svc, complaint.id, "received")
    clock = _clock(svc, item, now)
    svc.workflow.complete(message["task_token"], {"wait_seconds": clock.wait_seconds})


# -- human handoff ------------------------------------------------------------
def _send_to_team(svc: Services, complaint: ComplaintModel, item: WorkItemModel, template: str, **extra) -> None:
    role = sop.Role(item.role)
    now = svc.now()
    link, expires = issue_link(svc, item, now)
    _send(
        svc, item.complaint_id, item.stage, svc.settings.mailbox(role, item.opd), template,
        {"c": case_context(complaint), "stage": sop.stage(item.stage), "team": team_name(role, item.opd),
         "due_at": item.due_at, "entered_at": item.entered_at, "link": link, "link_expires_at": expires, **extra},
    )


def hand_off(svc: Services, message: dict) -> None:
    """Keep the newest token; complete at once if a decision is already recorded; else tell the team once."""
    complaint_id, step = message["complaint_id"], int(message["step"])
    sent_at = iso(parse_iso(message["sent_at"]))  # one format, so stored times compare as strings
    try:
        # A redelivered older handoff must not put back a token that has already timed out.
        item = svc.store.update_work_item(
            complaint_id, step,
            [WorkItemModel.task_token.set(message["task_token"]), WorkItemModel.token_sent_at.set(sent_at)],
            condition=WorkItemModel.token_sent_at.does_not_exist() | (WorkItemModel.token_sent_at <= sent_at))
    except ConditionFailed:
        if svc.store.get_work_item(complaint_id, step) is None:
            raise LookupError(f"no work item {complaint_id}#{step}") from None
        log.info("an older handoff arrived after a newer one; its token is dead, nothing to do")
        return
    if item.decision is not None:
        svc.workflow.complete(message["task_token"], item.decision)
        return
    if item.assigned_notified:
        return  # a redelivery, or the wait resumed after a timer: the team was told already
    try:
        svc.store.update_work_item(complaint_id, step, [WorkItemModel.assigned_notified.set(True)],
                                   condition=WorkItemModel.assigned_notified == False)  # noqa: E712
    except ConditionFailed:
        return  # a concurrent delivery of the same message sends the email
    try:
        _send_to_team(svc, _complaint(svc, complaint_id), item, "assigned")
    except Exception:
        # Let SQS deliver again, and let that delivery send the email.
        svc.store.update_work_item(complaint_id, step, [WorkItemModel.assigned_notified.set(False)])
        raise


# -- the stage clock ----------------------------------------------------------
def _token_mark(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:32]


def stage_timer(svc: Services, message: dict) -> None:
    """A wait ran out: remind or escalate as the planner says, answer with the next wait."""
    complaint_id, step = message["complaint_id"], int(message["step"])
    item = svc.store.get_work_item(complaint_id, step)
    now = svc.now()
    clock = _clock(svc, item, now)
    if item.decision is None and clock.action in (REMIND, ESCALATE):
        _act_on_clock(svc, item, clock.action, now, _token_mark(message["task_token"]))
    svc.workflow.complete(message["task_token"], {"wait_seconds": clock.wait_seconds})


def _act_on_clock(svc: Services, item: WorkItemModel, action: str, now, mark: str) -> None:
    """Claim this tick on the work item, send its emails, then record it.

    The timer message's token marks the tick: a redelivery finds the mark and does nothing
    twice. If an email cannot be sent the claim is undone, so the redelivery tries again.
    """
    not_this_tick = WorkItemModel.last_tick.does_not_exist() | (WorkItemModel.last_tick != mark)
    undecided = WorkItemModel.decision.does_not_exist()
    if action == REMIND:
        claim = [WorkItemModel.reminded_at.set(iso(now)), WorkItemModel.last_tick.set(mark)]
        undo = [WorkItemModel.reminded_at.remove(), WorkItemModel.last_tick.remove()]
    else:
        claim = [WorkItemModel.escalations.add(1), WorkItemModel.overdue.set(True), WorkItemModel.last_tick.set(mark)]
        undo = [WorkItemModel.escalations.add(-1), WorkItemModel.last_tick.remove()]
    try:
        item = svc.store.update_work_item(item.complaint_id, item.step, claim, condition=not_this_tick & undecided)
    except ConditionFailed:
        return
    complaint = _complaint(svc, item.complaint_id)
    stage = sop.stage(item.stage)
    try:
        if action == REMIND:
            _send_to_team(svc, complaint, item, "reminder")
        else:
            role = sop.Role(item.role)
            _send(
                svc, item.complaint_id, item.stage, svc.settings.mailbox(stage.supervisor), "escalation",
                {"c": case_context(complaint), "stage": stage, "team": team_name(role, item.opd),
                 "supervisor": team_name(stage.supervisor, None), "due_at": item.due_at,
                 "entered_at": item.entered_at, "escalations": item.escalations},
            )
            _send_to_team(svc, complaint, item, "overdue", escalations=item.escalations)
    except Exception:
        svc.store.update_work_item(item.complaint_id, item.step, undo, condition=WorkItemModel.last_tick == mark)
        raise
    _record_tick(svc, item, action, now)


def _record_tick(svc: Services, item: WorkItemModel, action: str, now) -> None:
    dimensions = {"Stage": item.stage}
    if action == REMIND:
        svc.store.append_audit(audit_entry(item.complaint_id, iso(now), SYSTEM, "reminder_sent", item.stage,
                                           {"step": item.step}))
        svc.metrics.count("RemindersSent", dimensions=dimensions)
        return
    if item.escalations == 1:
        svc.store.update_complaint(item.complaint_id, [ComplaintModel.overdue.set(True),
                                                       ComplaintModel.updated_at.set(iso(now))])
        # By stage (what the alarms watch) and, for the OPD stage, by agency too (the dashboard).
        svc.metrics.count("SlaBreached", dimensions=dimensions)
        if item.opd:
            svc.metrics.count("SlaBreached", dimensions=dict(dimensions, Opd=item.opd))
    svc.store.append_audit(audit_entry(item.complaint_id, iso(now), SYSTEM, "escalated", item.stage,
                                       {"step": item.step, "escalations": item.escalations}))
    svc.metrics.count("EscalationsSent", dimensions=dimensions)


# -- the end of a case ----------------------------------------------------------
def deliver_reply(svc: Services, message: dict) -> None:
    """SOP step 7: the citizen receives the reply. Answers with the feedback window."""
    complaint_id = message["complaint_id"]
    now = svc.now()
    try:
        svc.store.update_complaint(
            complaint_id,
            [ComplaintModel.status.set(sop.STATUS_ANSWERED), ComplaintModel.answered_at.set(iso(now)),
             ComplaintModel.due_at.remove(), ComplaintModel.updated_at.set(iso(now))],
            condition=ComplaintModel.status == sop.STATUS_OPEN,
            audit=audit_entry(complaint_id, iso(now), SYSTEM, "reply_delivered"),
        )
    except ConditionFailed:
        pass  # answered already: a redelivered message
    _tell_citizen(svc, complaint_id, "reply")
    seconds = feedback_window(now, svc.settings.calendar(), svc.settings.time_scale, svc.settings.sla)
    svc.workflow.complete(message["task_token"], {"feedback_seconds": seconds})


def close(svc: Services, message: dict) -> None:
    """The feedback window has passed: the answered case closes."""
    complaint_id = message["complaint_id"]
    now = iso(svc.now())
    try:
        svc.store.update_complaint(
            complaint_id,
            [ComplaintModel.status.set(sop.STATUS_CLOSED), ComplaintModel.closed_at.set(now),
             ComplaintModel.updated_at.set(now)],
            condition=ComplaintModel.status == sop.STATUS_ANSWERED,
            audit=audit_entry(complaint_id, now, SYSTEM, "closed"),
        )
    except ConditionFailed:
        pass
    svc.workflow.complete(message["task_token"], {"closed": True})


def reject(svc: Services, message: dict) -> None:
    """Intake refused the complaint: close it and tell the citizen why."""
    complaint_id = message["complaint_id"]
    now = iso(svc.now())
    try:
        svc.store.update_complaint(
            complaint_id,
            [ComplaintModel.status.set(sop.STATUS_CLOSED), ComplaintModel.closed_at.set(now),
             ComplaintModel.due_at.remove(), ComplaintModel.updated_at.set(now)],
            condition=ComplaintModel.status == sop.STATUS_OPEN,
            audit=audit_entry(complaint_id, now, SYSTEM, "rejected"),
        )
    except ConditionFailed:
        pass  # closed already: a redelivered message
    _tell_citizen(svc, complaint_id, "rejected")
    svc.workflow.complete(message["task_token"], {"closed": True})


HANDLERS = {
    "stage_entered": enter_stage,
    "handoff": hand_off,
    "stage_timer": stage_timer,
    "reply_delivered": deliver_reply,
    "closed": close,
    "rejected": reject,
}


def handle_message(svc: Services, message: dict) -> None:
    try:
        handler = HANDLERS[message["type"]]
    except (KeyError, TypeError):
        raise UnknownMessage("message of unknown type") from None
    handler(svc, message)

