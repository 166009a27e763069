"""What happens when the state machine hands us a message (the SQS consumer's use cases).

Every message carries a task token. Human stages (``handoff``) keep it on the
work item until someone decides; system steps do their work and answer at once.
Each handler is safe to run twice for the same message: SQS delivers at least once.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from pynamodb.expressions.update import Action

from ..adapters.dynamo import audit_entry
from ..adapters.tables import ComplaintModel, WorkItemModel
from ..domain import catalog, report, sop
from ..domain.planner import (
    ESCALATE,
    EXPIRE,
    REMIND,
    AnswerPlan,
    StagePlan,
    answer_step,
    clock_step,
    feedback_ends,
    plan_answer,
    plan_stage,
    seconds_until,
    whole_sop_due,
)
from ..domain.staff import queue_of
from ..domain.timestamps import iso, parse_iso
from .container import Services
from .links import deferred_links, issue_link, issue_rating_link
from .ports import EMAIL_DONE, EMAIL_IN_FLIGHT, ConditionFailed, EmailOutcomeUnknown, EmailRejected
from .views import case_context

log = logging.getLogger(__name__)
SYSTEM = "system:state-machine"


# How long a claimed email belongs to its sender. Above the consumer Lambda's timeout (60 s), so a
# live invocation never loses its claim mid-send; well under the handoff queue's visibility timeout
# (6 min), so the message a crashed invocation left comes back to a claim that has run out.
EMAIL_LEASE = timedelta(seconds=75)
# Marking an email sent is retried in-process with a short backoff: SES cannot take a message back.
MARK_TRIES = 4


class UnknownMessage(ValueError):
    pass


class EmailInFlight(RuntimeError):
    """Another delivery holds this email's claim: it is being sent, or its sender died before
    marking it. The message fails, and SQS should deliver it again once the lease has run out:
    ``retry_after`` seconds at the latest (an earlier retry finds it in flight again)."""

    def __init__(self, key: str, retry_after: float):
        super().__init__(f"email {key} is being sent by another delivery")
        self.retry_after = retry_after


def team_name(role: sop.Role, opd: str | None) -> str:
    names = {
        sop.Role.OPERATOR: "Operator/Agen Aspirasi Kaltim",
        sop.Role.DISKOMINFO: "Tim Pelayanan Aspirasi Pengaduan Diskominfo",
        sop.Role.SUPERVISOR: "Kepala Seksi Pengelolaan Opini Komunikasi Publik",
    }
    if role is sop.Role.OPD:
        if opd is None:
            raise ValueError("an agency's team needs its agency")
        return f"Tim Pelayanan Aspirasi Pengaduan {catalog.OPDS[opd].name}"
    return names.get(role, role.value)


def _plan_of(item: WorkItemModel) -> StagePlan:
    return StagePlan(parse_iso(item.entered_at), parse_iso(item.remind_at), parse_iso(item.due_at))


def _clock(svc: Services, item: WorkItemModel, now, before: str | None = None):
    """The planner's next step for this work item, under the configured calendar and scale.

    ``before``: as it was before its last tick (that action) was claimed, so a redelivered timer
    message answers with the wait its first delivery would have answered.
    """
    settings = svc.settings
    reminded, escalations = bool(item.reminded_at), int(item.escalations or 0)
    if before == REMIND:
        reminded = False
    elif before == ESCALATE:
        escalations = max(0, escalations - 1)
    return clock_step(
        now, _plan_of(item), reminded, escalations, settings.calendar(), settings.time_scale, settings.max_escalations
    )


def _complaint(svc: Services, complaint_id: str) -> ComplaintModel:
    complaint = svc.store.get_complaint(complaint_id)
    if complaint is None:
        raise LookupError(f"complaint {complaint_id} does not exist")
    return complaint


# -- email, each once -------------------------------------------------------------
Email = tuple[list, str, dict]  # (to, template, context)


def _send_once(
    svc: Services,
    complaint_id: str,
    key: str,
    stage: str | None,
    build: Callable[[], Email],
    work_item: tuple[int, Sequence[Action]] | None = None,
) -> bool:
    """Send the case's email ``key`` once, however often (and however concurrently) the message comes.

    Each step is durable before the next, so a redelivery repeats only what has not succeeded (issue 18):
    ``build()`` renders the email without any AWS call (the action links it issues are only collected,
    links.deferred_links); one write claims the email (tables.EmailModel, with a lease) and stores those
    links' hashes; SES sends it; one transaction marks it sent, notes it in the audit trail and applies
    ``work_item`` (step, actions) to the work item. A claim that finds the email marked sends nothing.

    Why a retry makes a new link rather than the same one: the raw token exists only in the email, so
    the same link could be rebuilt only from a secret (an HMAC of the work item) -- one key that would
    forge every open link if it leaked from the Lambda's environment, or a KMS call per link. A new
    link is needed only when SES never took the email; its predecessor's hash stays, unreachable (no one
    holds its token), until its TTL.

    A sender that dies before the mark leaves a lease that runs out, and the redelivered message sends
    the email then. Only a death between SES accepting the email and the mark, or an SES answer lost
    on the way (EmailOutcomeUnknown: counted, then retried), sends it twice: the at-least-once window.
    An email the mail service refuses for good is recorded as done, unsent, and the case goes on.
    True: this call marked it sent (``work_item`` applied with it).
    """
    now = svc.now()
    lease_until = iso(now + EMAIL_LEASE)
    with deferred_links() as links:
        to, template, context = build()
    claimed = svc.store.claim_email(complaint_id, key, iso(now), lease_until, links)
    if claimed == EMAIL_DONE:
        return False
    if claimed == EMAIL_IN_FLIGHT:
        raise EmailInFlight(key, EMAIL_LEASE.total_seconds())
    try:
        sent = svc.notifier.send(to, template, context)
    except EmailRejected as rejected:
        log.warning("email %s refused for good (%s); the case goes on without it", template, rejected)
        svc.metrics.count("EmailsRejected", dimensions={"Template": template})
        svc.metrics.count("EmailsRejected")  # all kinds in one series: what the alarm watches
        svc.store.mark_email_rejected(complaint_id, key, str(rejected), template, list(to))
        return False
    except EmailOutcomeUnknown as unknown:
        _outcome_unknown(svc, complaint_id, key, template, unknown)
        _release(svc, complaint_id, key, lease_until)
        raise
    except Exception:
        _release(svc, complaint_id, key, lease_until)  # so the redelivery need not wait for the lease
        raise
    return _mark_sent(svc, complaint_id, key, stage, list(to), template, sent, work_item)


def _outcome_unknown(svc: Services, complaint_id: str, key: str, template: str, error: EmailOutcomeUnknown) -> None:
    """SES may have taken the email but its answer was lost: count it, and let the message fail.

    The choice is to send again (a possible duplicate) rather than to mark it sent (a possible loss).
    Every email here either asks someone to act (a team's link, the citizen's question) or tells the
    citizen what the SOP owes them (receipt, reply); a lost one stalls the case or leaves the citizen
    uninformed, while a second copy only repeats it (a second link for the same visit is harmless: the
    first decision wins, the other link answers 409). SES rarely times out after taking a message; the
    metric shows how rarely. The log names the case and the template, never the addresses.
    """
    svc.metrics.count("EmailOutcomeUnknown", dimensions={"Template": template})
    svc.metrics.count("EmailOutcomeUnknown")  # all kinds in one series, as EmailsRejected
    log.warning(
        "email outcome unknown (%s): complaint_id=%s template=%s email_key=%s; it is sent again, maybe twice",
        error,
        complaint_id,
        template,
        key,
        extra={"complaint_id": complaint_id, "template": template, "email_key": key, "error": str(error)},
    )


def _release(svc: Services, complaint_id: str, key: str, lease_until: str) -> None:
    """Give the claim up after a failed send, tried a few times: a claim left standing holds the
    redelivered message back for the whole lease (EmailInFlight)."""
    for attempt in range(MARK_TRIES):
        try:
            svc.store.release_email(complaint_id, key, lease_until)
            return
        except Exception:
            if attempt + 1 == MARK_TRIES:
                log.warning("could not release the claim of email %s; it runs out by itself", key)
                return
            time.sleep(0.05 * 3**attempt)


def _mark_sent(
    svc: Services,
    complaint_id: str,
    key: str,
    stage: str | None,
    to: list,
    template: str,
    sent,
    work_item: tuple[int, Sequence[Action]] | None = None,
) -> bool:
    """Mark the email sent and note it in the audit trail (one transaction, with ``work_item``), retried a
    few times. True if this call marked it.

    If that still fails the message goes on as handled: the email is out, and failing the message
    would have its redelivery send it again once the lease has run out.
    """
    at = iso(svc.now())
    note = audit_entry(
        complaint_id, at, SYSTEM, "email_sent", stage, {"template": template, "to": to, "subject": sent.subject}
    )
    for attempt in range(MARK_TRIES):
        try:
            svc.store.mark_email_sent(
                complaint_id, key, at, sent.message_id, template, to, sent.subject, note, work_item
            )
            return True
        except ConditionFailed:
            record = svc.store.get_email(complaint_id, key)
            if record is None or record.ses_message_id != sent.message_id:  # not our own earlier try
                log.warning("email %s was sent by another delivery too (a lease ran out mid-send)", key)
                svc.metrics.count("EmailsSentTwice")
                return False
            return True  # our own earlier try was marked (its answer lost): all of the transaction went in
        except Exception:
            if attempt + 1 == MARK_TRIES:
                log.exception(
                    "email %s is sent but could not be marked; a redelivery after its lease would send it again", key
                )
                return False
            time.sleep(0.05 * 3**attempt)
    return False


def _tell_citizen(svc: Services, complaint_id: str, template: str, key: str | None = None, **extra) -> None:
    """Email the citizen once per piece of news (``key``, default the template), even when SQS
    delivers the message again."""
    key = key or template
    complaint = _complaint(svc, complaint_id)
    if not complaint.citizen_email:
        return  # entered by staff for a reporter without email: the operator keeps them informed
    if key in (complaint.notified or ()):
        return  # sent before emails had records of their own (the complaint's old ``notified`` set)

    def build() -> Email:
        context = {
            "c": case_context(complaint),
            "base_url": svc.settings.public_base_url,
            "case_url": f"{svc.settings.public_base_url}/?case={complaint.id}",
            **extra,
        }
        if template == "reply":
            context["rating_url"] = issue_rating_link(svc, complaint.id, svc.now())
        return [complaint.citizen_email], template, context

    _send_once(svc, complaint_id, key, complaint.stage, build)


# -- stage entry --------------------------------------------------------------
@dataclass
class _Visit:
    """What a new visit inherits: from the paused visit it resumes, or from the reopening."""

    used: timedelta = timedelta(0)  # business time the stage spent before it asked the citizen
    context: dict | None = None  # shown to the team: the question and answer, or the reopening's reason
    carried: dict = field(default_factory=dict)  # reminder and escalations already sent
    complaint_actions: list = field(default_factory=list)
    details: dict = field(default_factory=dict)  # for the audit entry


def _resumed(svc: Services, complaint: ComplaintModel, paused_step: int, now) -> _Visit:
    calendar = svc.settings.calendar()
    paused_item = svc.store.existing_work_item(complaint.id, paused_step)
    asked_at = parse_iso(paused_item.decided_at)
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
        complaint_actions=[
            ComplaintModel.paused_seconds.set(round(total_paused.total_seconds(), 3)),
            ComplaintModel.sop_due_at.set(
                iso(
                    whole_sop_due(
                        parse_iso(complaint.created_at),
                        total_paused,
                        calendar,
                        svc.settings.time_scale,
                        svc.settings.sla,
                    )
                )
            ),
        ],
        details={"resumes": paused_step, "paused_business_minutes": round(paused.total_seconds() / 60, 1)},
    )


def _reopened(complaint: ComplaintModel) -> _Visit:
    round_number = int(complaint.reopens or 0) + 1
    return _Visit(
        context={"reopen_reason": complaint.reopen_reason, "round": round_number},
        complaint_actions=[ComplaintModel.reopen_pending.set(False)],
        details={"round": round_number},
    )


def enter_stage(svc: Services, message: dict) -> None:
    """Open the work item of this stage visit, plan its clock, answer with the first wait.

    A visit that resumes a stage after the citizen answered gets the business time the stage
    had left (the pause is not counted, and the whole case's SOP target moves by the pause);
    a visit that starts a reopened round carries the citizen's reason to the team.
    """
    complaint = _complaint(svc, message["complaint_id"])
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
    used, context, carried = visit.used, visit.context, visit.carried
    complaint_actions = [
        ComplaintModel.stage.set(stage.name),
        ComplaintModel.step.set(step),
        ComplaintModel.updated_at.set(iso(now)),
        *visit.complaint_actions,
    ]
    details = {"step": step, **visit.details}
    plan = plan_stage(stage.name, now, calendar, scale, svc.settings.sla, complaint.category, used=used)
    item = WorkItemModel(
        complaint.id,
        step,
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
        context=context,
        followups="visit" in message,
        **{k: v for k, v in carried.items() if v},
    )
    details["due_at"] = item.due_at
    created = svc.store.open_work_item(
        item,
        complaint_actions=complaint_actions
        + [
            ComplaintModel.due_at.set(item.due_at),
            ComplaintModel.overdue.set(bool(carried.get("overdue"))),  # a stage late before it asked stays late
        ],
        audit=audit_entry(complaint.id, iso(now), SYSTEM, "stage_entered", stage.name, details),
    )
    if not created:
        item = svc.store.existing_work_item(complaint.id, step)  # redelivered: keep the first plan
    if step == 1:
        _tell_citizen(svc, complaint.id, "received")
    clock = _clock(svc, item, now)
    svc.workflow.complete(message["task_token"], {"wait_seconds": clock.wait_seconds})


# -- human handoff ------------------------------------------------------------
def _team_email(svc: Services, complaint: ComplaintModel, item: WorkItemModel, template: str, **extra) -> Email:
    """An email to the stage's team, with a new action link (built only when it is sent)."""
    role = sop.Role(item.role)
    link, expires = issue_link(svc, item, svc.now())
    return (
        list(svc.settings.mailbox(role, item.opd)),
        template,
        {
            "c": case_context(complaint),
            "stage": sop.stage(item.stage),
            "team": team_name(role, item.opd),
            "due_at": item.due_at,
            "entered_at": item.entered_at,
            "link": link,
            "link_expires_at": expires,
            "visit": item.context or {},
            **extra,
        },
    )


def _keep_newest_token(message: dict, token, sent_at) -> tuple[list, object]:
    """The update that stores a wait's task token, and its condition: only if no newer one is stored.

    ``token`` and ``sent_at`` are the attributes holding them. A redelivered older message must
    not put back a token that has already timed out; the state machine's own clock
    (``$$.State.EnteredTime``) orders them, in one format so stored times compare as strings.
    """
    when = iso(parse_iso(message["sent_at"]))
    return [token.set(message["task_token"]), sent_at.set(when)], sent_at.does_not_exist() | (sent_at <= when)


def hand_off(svc: Services, message: dict) -> None:
    """Keep the newest token; complete at once if a decision is already recorded; else tell the team once.

    Resumable (issue 18): the item is read first, so a redelivery whose token is stored already does not
    write it again; the team's email is claimed with its link in one write and marked sent with
    ``assigned_notified`` in one transaction (``_send_once``), so what succeeded once is not repeated.
    """
    complaint_id, step = message["complaint_id"], int(message["step"])
    item = svc.store.get_work_item(complaint_id, step)
    if item is None:
        raise LookupError(f"no work item {complaint_id}#{step}")
    if item.task_token != message["task_token"]:
        actions, newer = _keep_newest_token(message, WorkItemModel.task_token, WorkItemModel.token_sent_at)
        try:
            item = svc.store.update_work_item(complaint_id, step, actions, condition=newer)
        except ConditionFailed:
            log.info("an older handoff arrived after a newer one; its token is dead, nothing to do")
            return
    if item.decision is not None:
        svc.workflow.complete(message["task_token"], item.decision)
        return
    if item.assigned_notified:
        return  # a redelivery, or the wait resumed after a timer: the team was told already
    complaint = _complaint(svc, complaint_id)
    notified = [WorkItemModel.assigned_notified.set(True)]  # what views and queues read
    email = functools.partial(_team_email, svc, complaint, item, "assigned")
    if not _send_once(svc, complaint_id, f"assigned-{step}", item.stage, email, (step, notified)):
        # Sent (or refused) by an earlier delivery, or not marked: set only once the email is out.
        svc.store.update_work_item(complaint_id, step, notified)


# -- the stage clock ----------------------------------------------------------
def _token_mark(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:32]


def stage_timer(svc: Services, message: dict) -> None:
    """A wait ran out: remind or escalate as the planner says, answer with the next wait.

    A redelivered timer message whose tick was claimed already (``last_tick`` is its mark) sends
    that tick's emails, each once (the delivery that claimed it may have died before sending).
    """
    complaint_id, step = message["complaint_id"], int(message["step"])
    item = svc.store.existing_work_item(complaint_id, step)
    now = svc.now()
    mark = _token_mark(message["task_token"])
    if item.last_tick == mark:
        action = _tick_action(item)
        if item.decision is None:
            _send_tick(svc, item, action, mark)
        clock = _clock(svc, item, now, before=action)
    else:
        clock = _clock(svc, item, now)
        if item.decision is None and clock.action in (REMIND, ESCALATE):
            sent_at = iso(parse_iso(message["sent_at"])) if message.get("sent_at") else None
            _act_on_clock(svc, item, clock.action, now, mark, sent_at)
    svc.workflow.complete(message["task_token"], {"wait_seconds": clock.wait_seconds})


def _tick_action(item: WorkItemModel) -> str:
    """What the item's last tick did (ticks claimed before ``last_tick_action`` existed: an item that
    has escalated escalates on every later tick, and reminds only before that)."""
    return item.last_tick_action or (ESCALATE if int(item.escalations or 0) else REMIND)


def _act_on_clock(svc: Services, item: WorkItemModel, action: str, now, mark: str, sent_at: str | None = None) -> None:
    """Claim this tick, then send its emails, each once.

    The claim is one transaction: the tick's mark on the work item, the report's counters, the
    audit entry, and (at the first escalation) the complaint's overdue flag; its metrics follow it.
    A redelivery finds the mark and repeats none of that, but sends what is not sent yet. No
    claim is ever undone: an email that cannot be sent now fails the message, and its
    redelivery sends it.
    """
    step = int(item.step)
    not_this_tick = WorkItemModel.last_tick.does_not_exist() | (WorkItemModel.last_tick != mark)
    condition = not_this_tick & WorkItemModel.decision.does_not_exist()
    if sent_at:  # a timer message that comes back after a newer tick has acted must not act again
        condition &= WorkItemModel.last_tick_at.does_not_exist() | (WorkItemModel.last_tick_at < sent_at)
    complaint_actions: list[Action] = []
    claim: list[Action]
    changed: dict[str, Any]
    if action == REMIND:
        claim = [WorkItemModel.reminded_at.set(iso(now))]
        changed = {"reminded_at": iso(now)}
        audit = audit_entry(item.complaint_id, iso(now), SYSTEM, "reminder_sent", item.stage, {"step": step})
    else:
        # Only from the count just read, so the item after the claim is known without reading it again.
        escalations = int(item.escalations or 0) + 1
        condition &= WorkItemModel.escalations == escalations - 1
        claim = [WorkItemModel.escalations.add(1), WorkItemModel.overdue.set(True)]
        changed = {"escalations": escalations, "overdue": True}
        audit = audit_entry(
            item.complaint_id, iso(now), SYSTEM, "escalated", item.stage, {"step": step, "escalations": escalations}
        )
        if escalations == 1:
            complaint_actions = [ComplaintModel.overdue.set(True), ComplaintModel.updated_at.set(iso(now))]
    claim += [WorkItemModel.last_tick.set(mark), WorkItemModel.last_tick_action.set(action)]
    if sent_at:
        claim.append(WorkItemModel.last_tick_at.set(sent_at))
    try:
        svc.store.count_on_work_item(
            item.complaint_id,
            step,
            claim,
            condition,
            report=report.clock_tick(now, action, item.stage, item.opd, item.channel, item.category, 1),
            audit=audit,
            complaint_actions=complaint_actions,
        )
    except ConditionFailed:
        # Claimed by a concurrent delivery of this message (then send what it has not sent), acted on by
        # another tick a moment ago, or the stage was decided: then nothing is left for this message.
        item = svc.store.existing_work_item(item.complaint_id, step)
        if item.last_tick != mark or item.decision is not None:
            log.info("timer tick of %s#%s not claimed (another tick, or decided)", item.complaint_id, step)
            return
        _send_tick(svc, item, _tick_action(item), mark)
        return
    for name, value in {**changed, "last_tick": mark, "last_tick_action": action}.items():
        setattr(item, name, value)
    _count_tick(svc, item, action)
    _send_tick(svc, item, action, mark)


def _count_tick(svc: Services, item: WorkItemModel, action: str) -> None:
    """The tick's metrics, by the delivery that claimed it (so a redelivery does not count it again)."""
    dimensions = {"Stage": item.stage}
    if action == REMIND:
        svc.metrics.count("RemindersSent", dimensions=dimensions)
        return
    if item.escalations == 1:
        # By stage (what the alarms watch) and, for the OPD stage, by agency too (the dashboard).
        svc.metrics.count("SlaBreached", dimensions=dimensions)
        if item.opd:
            svc.metrics.count("SlaBreached", dimensions=dict(dimensions, Opd=item.opd))
    svc.metrics.count("EscalationsSent", dimensions=dimensions)


def _send_tick(svc: Services, item: WorkItemModel, action: str, mark: str) -> None:
    """The claimed tick's emails, each once by its key: the team's reminder, or the escalation to
    the supervising team and the overdue notice to the team."""
    complaint = _complaint(svc, item.complaint_id)
    step = item.step
    if action == REMIND:
        _send_once(
            svc,
            item.complaint_id,
            f"reminder-{step}-{mark}",
            item.stage,
            lambda: _team_email(svc, complaint, item, "reminder"),
        )
        return
    stage = sop.stage(item.stage)

    def escalation() -> Email:
        return (
            list(svc.settings.mailbox(stage.supervisor)),
            "escalation",
            {
                "c": case_context(complaint),
                "stage": stage,
                "team": team_name(sop.Role(item.role), item.opd),
                "supervisor": team_name(stage.supervisor, None),
                "due_at": item.due_at,
                "entered_at": item.entered_at,
                "escalations": item.escalations,
            },
        )

    _send_once(svc, item.complaint_id, f"escalation-{step}-{mark}", item.stage, escalation)
    _send_once(
        svc,
        item.complaint_id,
        f"overdue-{step}-{mark}",
        item.stage,
        lambda: _team_email(svc, complaint, item, "overdue", escalations=item.escalations),
    )


# -- waiting for the citizen's answer ------------------------------------------------
def _stored_answer_plan(item: WorkItemModel) -> AnswerPlan:
    """The wait for the answer as planned when the question was asked (later config changes don't move it)."""
    return AnswerPlan(parse_iso(item.decided_at), parse_iso(item.info_remind_at), parse_iso(item.info_expires_at))


def ask_citizen(svc: Services, message: dict) -> None:
    """A stage asked the citizen (its visit is decided, so its clock stands still): plan the wait
    for the answer, email the question once, answer with the first wait."""
    complaint_id, step = message["complaint_id"], int(message["step"])
    item = svc.store.existing_work_item(complaint_id, step)
    if item.info_expires_at is None:
        plan = plan_answer(
            parse_iso(item.decided_at), svc.settings.calendar(), svc.settings.time_scale, svc.settings.sla
        )
        try:
            item = svc.store.update_work_item(
                complaint_id,
                step,
                [
                    WorkItemModel.info_remind_at.set(iso(plan.remind_at)),
                    WorkItemModel.info_expires_at.set(iso(plan.expires_at)),
                ],
                condition=WorkItemModel.info_expires_at.does_not_exist(),
            )
        except ConditionFailed:  # a concurrent delivery planned it (the same plan: it derives from the decision)
            item = svc.store.existing_work_item(complaint_id, step)
    _tell_citizen(
        svc,
        complaint_id,
        "question",
        key=f"question-{step}",
        question=item.question,
        stage=sop.stage(item.stage),
        expires_at=item.info_expires_at,
        deadline=_answer_deadline(svc),
    )
    if item.answer is not None:  # answered before the wait began: resume at once
        svc.workflow.complete(message["task_token"], {"wait_seconds": 1, "expired": False, "answered": True})
        return
    wait = answer_step(svc.now(), _stored_answer_plan(item), bool(item.info_reminded_at)).wait_seconds
    svc.workflow.complete(message["task_token"], {"wait_seconds": wait, "expired": False, "answered": False})


def _answer_deadline(svc: Services) -> sop.Duration:
    """The time to answer, as the citizen is told it (configured, or the SOP's 10 working days)."""
    minutes = svc.settings.sla.answer_deadline_minutes
    return sop.ANSWER_DEADLINE if minutes is None else sop.Duration(minutes=round(minutes))


def await_answer(svc: Services, message: dict) -> None:
    """Keep the newest token of the wait for the answer; complete at once if the answer is in."""
    complaint_id, step = message["complaint_id"], int(message["step"])
    actions, newer = _keep_newest_token(message, WorkItemModel.answer_token, WorkItemModel.answer_token_sent_at)
    try:
        item = svc.store.update_work_item(complaint_id, step, actions, condition=newer)
    except ConditionFailed:
        log.info("an older answer wait arrived after a newer one; its token is dead, nothing to do")
        return
    if item.answer is not None:
        svc.workflow.complete(message["task_token"], {"answered": True})


def answer_timer(svc: Services, message: dict) -> None:
    """A wait for the answer ran out: remind the citizen once, or end the wait at the deadline."""
    complaint_id, step = message["complaint_id"], int(message["step"])
    item = svc.store.existing_work_item(complaint_id, step)
    now = svc.now()
    answered = {"wait_seconds": 1, "expired": False, "answered": True}
    if item.answer is not None:
        svc.workflow.complete(message["task_token"], answered)
        return
    clock = answer_step(now, _stored_answer_plan(item), bool(item.info_reminded_at))
    if clock.action == EXPIRE:
        try:
            svc.store.update_work_item(
                complaint_id,
                step,
                [WorkItemModel.info_expired_at.set(iso(now))],
                condition=WorkItemModel.answer.does_not_exist() & WorkItemModel.info_expired_at.does_not_exist(),
            )
        except ConditionFailed:
            item = svc.store.existing_work_item(complaint_id, step)
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


def _remind_citizen(svc: Services, item: WorkItemModel, now) -> None:
    """Claim the one reminder on the work item with its audit entry (one write), then email it once.

    A redelivery finds the claim; it (or any later timer message of the wait) sends the email if the
    delivery that claimed it died first.
    """
    try:
        svc.store.count_on_work_item(
            item.complaint_id,
            int(item.step),
            [WorkItemModel.info_reminded_at.set(iso(now))],
            WorkItemModel.info_reminded_at.does_not_exist() & WorkItemModel.answer.does_not_exist(),
            audit=audit_entry(
                item.complaint_id, iso(now), SYSTEM, "question_reminder_sent", item.stage, {"step": item.step}
            ),
        )
    except ConditionFailed:
        item = svc.store.existing_work_item(item.complaint_id, int(item.step))  # a concurrent delivery claimed it?
        if not item.info_reminded_at:
            return
    _send_question_reminder(svc, item)


def _send_question_reminder(svc: Services, item: WorkItemModel) -> None:
    if item.answer is not None or item.info_expired_at:
        return  # answered (or too late) meanwhile: nothing to remind of
    _tell_citizen(
        svc,
        item.complaint_id,
        "question_reminder",
        key=f"question-reminder-{item.step}",
        question=item.question,
        expires_at=item.info_expires_at,
        stage=sop.stage(item.stage),
    )


def close_unanswered(svc: Services, message: dict) -> None:
    """The citizen did not answer in time: the case closes and they are told why."""
    complaint_id = message["complaint_id"]
    now = iso(svc.now())
    deadline = _answer_deadline(svc)
    reason = (
        f"Pertanyaan petugas tidak dijawab dalam {deadline.describe_id()}. / "
        f"The officer's question was not answered within {deadline.describe_en()}."
    )
    _close_open_case(
        svc, _complaint(svc, complaint_id), now, "closed_unanswered", reason, [ComplaintModel.pending_question.remove()]
    )
    _tell_citizen(svc, complaint_id, "unanswered")
    svc.workflow.complete(message["task_token"], {"closed": True})


def _close_open_case(
    svc: Services, complaint: ComplaintModel, now: str, action: str, reason: str | None, extra: Sequence[Action] = ()
) -> None:
    """Close a case that is still open (once: a redelivery finds it closed)."""
    complaint_id = complaint.id
    actions = [
        ComplaintModel.status.set(sop.STATUS_CLOSED),
        ComplaintModel.closed_at.set(now),
        ComplaintModel.due_at.remove(),
        ComplaintModel.updated_at.set(now),
        *extra,
    ]
    if reason:
        actions.append(ComplaintModel.close_reason.set(reason))
    try:
        svc.store.update_complaint(
            complaint_id,
            actions,
            condition=ComplaintModel.status == sop.STATUS_OPEN,
            audit=audit_entry(complaint_id, now, SYSTEM, action),
            report=report.closed(parse_iso(now), parse_iso(complaint.created_at)),
        )
    except ConditionFailed:
        pass  # closed already: a redelivered message


# -- the end of a case ----------------------------------------------------------
def deliver_reply(svc: Services, message: dict) -> None:
    """SOP step 7: the citizen receives the reply. Answers with the feedback window.

    The first reply also judges the whole case against the SOP's target (section E).
    """
    complaint_id = message["complaint_id"]
    now = svc.now()
    complaint = _complaint(svc, complaint_id)
    this_round = _this_round(message)
    ends = feedback_ends(now, svc.settings.calendar(), svc.settings.time_scale, svc.settings.sla)
    actions = [
        ComplaintModel.status.set(sop.STATUS_ANSWERED),
        ComplaintModel.answered_at.set(iso(now)),
        ComplaintModel.feedback_ends_at.set(iso(ends)),
        ComplaintModel.feedback_token.remove(),
        ComplaintModel.due_at.remove(),
        ComplaintModel.updated_at.set(iso(now)),
    ]
    sop_outcome = None
    if complaint.sop_outcome is None and complaint.sop_due_at:
        sop_outcome = "met" if now <= parse_iso(complaint.sop_due_at) else "breached"
        actions.append(ComplaintModel.sop_outcome.set(sop_outcome))
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
        svc.store.update_complaint(
            complaint_id,
            actions,
            # Not a case the citizen has just reopened (its new round not entered yet, so the step is
            # still this round's): a late copy of this round's message must not answer it again.
            condition=(ComplaintModel.status == sop.STATUS_OPEN) & this_round & _not_reopened(),
            audit=audit_entry(
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
        )
        if sop_outcome:
            svc.metrics.count("SopTargetMet" if sop_outcome == "met" else "SopTargetBreached")
    except ConditionFailed:
        complaint = _complaint(svc, complaint_id)  # answered already: a redelivered message
        if complaint.reopen_pending or ("step" in message and int(complaint.step) != int(message["step"])):
            log.warning("a reply message of an earlier round came back (a redrive?); it changes nothing")
            svc.workflow.complete(message["task_token"], {"feedback_seconds": 1})
            return
        ends = parse_iso(complaint.feedback_ends_at) if complaint.feedback_ends_at else ends
    rounds = int(complaint.reopens or 0)
    _tell_citizen(svc, complaint_id, "reply", key="reply" if rounds == 0 else f"reply-{rounds + 1}")
    svc.workflow.complete(message["task_token"], {"feedback_seconds": seconds_until(now, ends)})


def _not_reopened():
    return ComplaintModel.reopen_pending.does_not_exist() | (ComplaintModel.reopen_pending == False)  # noqa: E712


def await_feedback(svc: Services, message: dict) -> None:
    """Keep the newest token of the feedback window; complete at once if the citizen reopened."""
    complaint_id = message["complaint_id"]
    actions, newer = _keep_newest_token(message, ComplaintModel.feedback_token, ComplaintModel.feedback_token_sent_at)
    try:
        svc.store.update_complaint(complaint_id, actions, condition=newer)
    except ConditionFailed:
        log.info("an older feedback wait arrived after a newer one; its token is dead, nothing to do")
        return
    # Read after the write: whichever of us and the reopen wrote second sees both.
    if _complaint(svc, complaint_id).reopen_pending:
        svc.workflow.complete(message["task_token"], {"reopen": True})


def _this_round(message: dict):
    """The end of a round acts only on the visit it names (a redriven message of an earlier round
    must not answer or close a reopened case). Messages of executions started before rounds
    existed name no visit."""
    if "step" not in message:
        return ComplaintModel.id.exists()
    return ComplaintModel.step == int(message["step"])


def close(svc: Services, message: dict) -> None:
    """The feedback window has passed: the answered case closes (unless it was just reopened)."""
    complaint_id = message["complaint_id"]
    now = iso(svc.now())
    try:
        svc.store.update_complaint(
            complaint_id,
            [
                ComplaintModel.status.set(sop.STATUS_CLOSED),
                ComplaintModel.closed_at.set(now),
                ComplaintModel.feedback_token.remove(),
                ComplaintModel.updated_at.set(now),
            ],
            condition=(ComplaintModel.status == sop.STATUS_ANSWERED) & _this_round(message),
            audit=audit_entry(complaint_id, now, SYSTEM, "closed"),
            report=report.closed(parse_iso(now)),
        )
    except ConditionFailed:
        if _complaint(svc, complaint_id).reopen_pending:  # reopened as the window ended: a new round
            svc.workflow.complete(message["task_token"], {"closed": False, "reopened": True})
            return
    svc.workflow.complete(message["task_token"], {"closed": True, "reopened": False})


def reject(svc: Services, message: dict) -> None:
    """Intake refused the complaint: close it and tell the citizen why."""
    _close_open_case(svc, _complaint(svc, message["complaint_id"]), iso(svc.now()), "rejected", None)
    _tell_citizen(svc, message["complaint_id"], "rejected")
    svc.workflow.complete(message["task_token"], {"closed": True})


def close_duplicate(svc: Services, message: dict) -> None:
    """Classification found the case reported before: close this one, tell the citizen which carries on."""
    complaint_id = message["complaint_id"]
    complaint = _complaint(svc, complaint_id)
    reason = (
        f"Laporan yang sama sudah ditangani sebagai {complaint.duplicate_of}. / "
        f"The same matter is handled as {complaint.duplicate_of}."
    )
    _close_open_case(svc, complaint, iso(svc.now()), "closed_duplicate", reason)
    _tell_citizen(svc, complaint_id, "duplicate", original=complaint.duplicate_of)
    svc.workflow.complete(message["task_token"], {"closed": True})


HANDLERS = {
    "stage_entered": enter_stage,
    "handoff": hand_off,
    "stage_timer": stage_timer,
    "information_requested": ask_citizen,
    "answer_handoff": await_answer,
    "answer_timer": answer_timer,
    "unanswered": close_unanswered,
    "reply_delivered": deliver_reply,
    "feedback_open": await_feedback,
    "closed": close,
    "rejected": reject,
    "duplicate": close_duplicate,
}


def handle_message(svc: Services, message: dict) -> None:
    try:
        handler = HANDLERS[message["type"]]
    except (KeyError, TypeError):
        raise UnknownMessage("message of unknown type") from None
    handler(svc, message)
