"""A human stage's clock: each timer tick reminds the team, or escalates to its supervisor, as the planner says.

A tick is claimed once (its mark on the work item, with the report's counters and the audit entry) before
its emails go out, each once; a redelivered timer message sends what its first delivery did not.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime

from ...domain import report, sop
from ...domain.planner import ESCALATE, REMIND, ClockStep, StagePlan, clock_step
from ...domain.records import WorkItem, new_audit_entry
from ...domain.roles import team_name
from ...domain.timestamps import iso, parse_iso
from ..container import Services
from ..ports import ConditionFailed
from ..views import case_context
from .case import SYSTEM, sent_at_of, visit_of
from .outbox import Email, send_once
from .teams import team_email

log = logging.getLogger(__name__)


def _plan_of(item: WorkItem) -> StagePlan:
    return StagePlan(parse_iso(item.entered_at), parse_iso(item.remind_at), parse_iso(item.due_at))


def next_step(svc: Services, item: WorkItem, now: datetime, before: str | None = None) -> ClockStep:
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


def _token_mark(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:32]


def stage_timer(svc: Services, message: dict) -> None:
    """A wait ran out: remind or escalate as the planner says, answer with the next wait.

    A redelivered timer message whose tick was claimed already (``last_tick`` is its mark) sends
    that tick's emails, each once (the delivery that claimed it may have died before sending).
    """
    complaint_id, step = message["complaint_id"], int(message["step"])
    item = visit_of(svc, complaint_id, step)
    now = svc.now()
    mark = _token_mark(message["task_token"])
    if item.last_tick == mark:
        action = _tick_action(item)
        if item.decision is None:
            _send_tick(svc, item, action, mark)
        clock = next_step(svc, item, now, before=action)
    else:
        clock = next_step(svc, item, now)
        if item.decision is None and clock.action in (REMIND, ESCALATE):
            sent_at = sent_at_of(message) if message.get("sent_at") else None
            _act_on_clock(svc, item, clock.action, now, mark, sent_at)
    svc.workflow.complete(message["task_token"], {"wait_seconds": clock.wait_seconds})


def _tick_action(item: WorkItem) -> str:
    """What the item's last tick did (ticks claimed before ``last_tick_action`` existed: an item that
    has escalated escalates on every later tick, and reminds only before that)."""
    return item.last_tick_action or (ESCALATE if int(item.escalations or 0) else REMIND)


def _act_on_clock(
    svc: Services, item: WorkItem, action: str, now: datetime, mark: str, sent_at: str | None = None
) -> None:
    """Claim this tick, then send its emails, each once.

    The claim is one transaction (Store.record_tick): the tick's mark on the work item, the report's
    counters, the audit entry, and (at the first escalation) the complaint's overdue flag; its metrics
    follow it. A redelivery finds the mark and repeats none of that, but sends what is not sent yet. No
    claim is ever undone: an email that cannot be sent now fails the message, and its redelivery sends it.
    """
    step = int(item.step)
    changed: dict[str, object]
    escalations = 0
    if action == REMIND:
        changed = {"reminded_at": iso(now)}
        audit = new_audit_entry(item.complaint_id, iso(now), SYSTEM, "reminder_sent", item.stage, {"step": step})
    else:
        # Only from the count just read, so the item after the claim is known without reading it again.
        escalations = int(item.escalations or 0) + 1
        changed = {"escalations": escalations, "overdue": True}
        audit = new_audit_entry(
            item.complaint_id, iso(now), SYSTEM, "escalated", item.stage, {"step": step, "escalations": escalations}
        )
    try:
        svc.store.record_tick(
            item.complaint_id,
            step,
            action,
            mark,
            iso(now),
            audit,
            report=report.clock_tick(now, action, item.stage, item.opd, item.channel, item.category, 1),
            escalations=escalations,
            sent_at=sent_at,
        )
    except ConditionFailed:
        # Claimed by a concurrent delivery of this message (then send what it has not sent), acted on by
        # another tick a moment ago, or the stage was decided: then nothing is left for this message.
        item = visit_of(svc, item.complaint_id, step)
        if item.last_tick != mark or item.decision is not None:
            log.info("timer tick of %s#%s not claimed (another tick, or decided)", item.complaint_id, step)
            return
        _send_tick(svc, item, _tick_action(item), mark)
        return
    for name, value in {**changed, "last_tick": mark, "last_tick_action": action}.items():
        setattr(item, name, value)
    _count_tick(svc, item, action)
    _send_tick(svc, item, action, mark)


def _count_tick(svc: Services, item: WorkItem, action: str) -> None:
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


def _send_tick(svc: Services, item: WorkItem, action: str, mark: str) -> None:
    """The claimed tick's emails, each once by its key: the team's reminder, or the escalation to
    the supervising team and the overdue notice to the team."""
    complaint = svc.store.existing_complaint(item.complaint_id)
    step = item.step
    if action == REMIND:
        send_once(
            svc,
            item.complaint_id,
            f"reminder-{step}-{mark}",
            item.stage,
            lambda: team_email(svc, complaint, item, "reminder"),
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

    send_once(svc, item.complaint_id, f"escalation-{step}-{mark}", item.stage, escalation)
    send_once(
        svc,
        item.complaint_id,
        f"overdue-{step}-{mark}",
        item.stage,
        lambda: team_email(svc, complaint, item, "overdue", escalations=item.escalations),
    )
