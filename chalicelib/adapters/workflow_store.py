"""DynamoDB writes of the state machine's messages (service/workflow/): a stage visit opened, a task token
kept, a clock tick claimed, an email marked sent, the wait for the citizen's answer, a case answered or closed.

Part of ``Store`` (a mixin, kept in its own file). Each method is one conditional write or one transaction,
so a redelivered message that finds it done repeats none of it: the condition fails (ConditionFailed) and
the handler reads what the first delivery left.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..domain import sop
from ..domain.planner import ESCALATE, REMIND
from ..domain.records import AuditEntry, WorkItem
from ..domain.report import Delta
from ..service.ports import ConditionFailed
from .dynamo import conditional, save_audit, to_model, to_record, transaction, update_complaint
from .tables import ComplaintModel, EmailModel, WorkItemModel


def _newest(token_attribute: Any, sent_at_attribute: Any, token: str, sent_at: str) -> tuple[list, Any]:
    """The update that stores a wait's task token, and its condition: only if no newer one is stored.

    A redelivered older message must not put back a token that has already timed out; ``sent_at`` (the
    state machine's ``$$.State.EnteredTime``, in one format) orders them, as stored times compare as strings.
    """
    condition = sent_at_attribute.does_not_exist() | (sent_at_attribute <= sent_at)
    return [token_attribute.set(token), sent_at_attribute.set(sent_at)], condition


def _this_round(step: int | None) -> Any:
    """Only the round whose visit the message names (messages of executions started before rounds existed
    name none)."""
    return ComplaintModel.id.exists() if step is None else ComplaintModel.step == step


class StageStore:
    # -- a stage visit ------------------------------------------------------------
    def enter_stage(
        self,
        item: WorkItem,
        at: str,
        overdue: bool,
        audit: AuditEntry,
        paused_seconds: float | None = None,
        sop_due_at: str | None = None,
        reopened: bool = False,
    ) -> bool:
        """Open the work item of a stage visit, with the complaint's new stage, step, due time and ``overdue``
        flag, and the audit entry: one transaction. A visit that resumes after the citizen answered moves the
        case's ``paused_seconds`` and ``sop_due_at``; one that starts a ``reopened`` round clears the reopening.

        Returns False, changing nothing, if the work item exists already (a redelivered message).
        """
        complaint_actions = [
            ComplaintModel.stage.set(item.stage),
            ComplaintModel.step.set(item.step),
            ComplaintModel.updated_at.set(at),
        ]
        if paused_seconds is not None:
            complaint_actions.append(ComplaintModel.paused_seconds.set(paused_seconds))
        if sop_due_at is not None:
            complaint_actions.append(ComplaintModel.sop_due_at.set(sop_due_at))
        if reopened:
            complaint_actions.append(ComplaintModel.reopen_pending.set(False))
        complaint_actions += [ComplaintModel.due_at.set(item.due_at), ComplaintModel.overdue.set(overdue)]
        try:
            with transaction() as tx:
                tx.save(to_model(item, WorkItemModel), condition=WorkItemModel.step.does_not_exist())
                tx.update(
                    ComplaintModel(item.complaint_id), actions=complaint_actions, condition=ComplaintModel.id.exists()
                )
                save_audit(tx, audit)
        except ConditionFailed as failed:
            if failed.reasons[:1] == ["ConditionalCheckFailed"]:
                return False
            raise
        return True

    def _update_visit(self, complaint_id: str, step: int, actions: list, condition: Any = None) -> WorkItem:
        """Update a work item that must be there (conditionally) and return it as it is now."""
        item = WorkItemModel(complaint_id, step)
        guard = WorkItemModel.step.exists()
        with conditional():
            item.update(actions=actions, condition=guard & condition if condition is not None else guard)
        return to_record(item, WorkItem)

    # -- a human stage's wait -------------------------------------------------------
    def record_task_token(self, complaint_id: str, step: int, token: str, sent_at: str) -> WorkItem:
        """Keep the task token of the wait for the team's decision, unless a newer one (by ``sent_at``) is
        stored. The item as it is now; raises ConditionFailed (an older message came late)."""
        actions, newer = _newest(WorkItemModel.task_token, WorkItemModel.token_sent_at, token, sent_at)
        return self._update_visit(complaint_id, step, actions, newer)

    def mark_assigned_notified(self, complaint_id: str, step: int) -> None:
        """The team has been told of the visit (what views and queues read)."""
        self._update_visit(complaint_id, step, [WorkItemModel.assigned_notified.set(True)])

    def record_email_sent(
        self,
        complaint_id: str,
        key: str,
        sent_at: str,
        message_id: str,
        template: str,
        to: list[str],
        subject: str,
        audit: AuditEntry,
        assigned_step: int | None = None,
    ) -> None:
        """Record the email as sent, with its note in the case's audit trail: both or neither, once. With
        ``assigned_step``, the email told the team of that visit: its work item's ``assigned_notified`` is set
        in the same transaction.

        Raises ConditionFailed if it was marked sent already (a sender whose lease ran out sent it too).
        """
        with transaction() as tx:
            tx.update(
                EmailModel(complaint_id, key),
                actions=[
                    EmailModel.sent_at.set(sent_at),
                    EmailModel.ses_message_id.set(message_id),
                    EmailModel.template.set(template),
                    EmailModel.to.set(list(to)),
                    EmailModel.subject.set(subject),
                    EmailModel.lease_until.remove(),
                ],
                condition=EmailModel.sent_at.does_not_exist(),
            )
            save_audit(tx, audit)
            if assigned_step is not None:
                tx.update(
                    WorkItemModel(complaint_id, assigned_step), actions=[WorkItemModel.assigned_notified.set(True)]
                )

    # -- the stage clock ----------------------------------------------------------------
    def record_tick(
        self,
        complaint_id: str,
        step: int,
        action: str,
        mark: str,
        at: str,
        audit: AuditEntry,
        report: Iterable[Delta] = (),
        escalations: int = 0,
        sent_at: str | None = None,
    ) -> None:
        """Claim a timer tick (``mark``) that reminds (``action`` REMIND) or escalates (ESCALATE, to the
        count ``escalations``) on an undecided visit: the work item, the report's counters, the audit
        entry and, at the first escalation, the complaint's overdue flag, in one transaction.

        Raises ConditionFailed if this tick was claimed already, the visit was decided, another escalation
        came first, or (``sent_at``: when the state machine sent the timer message) a newer tick has acted.
        """
        if action not in (REMIND, ESCALATE):
            raise ValueError(f"a tick reminds or escalates, not {action!r}")
        not_this_tick = WorkItemModel.last_tick.does_not_exist() | (WorkItemModel.last_tick != mark)
        condition = not_this_tick & WorkItemModel.decision.does_not_exist()
        if sent_at:  # a timer message that comes back after a newer tick has acted must not act again
            condition &= WorkItemModel.last_tick_at.does_not_exist() | (WorkItemModel.last_tick_at < sent_at)
        complaint_actions: list = []
        claim: list
        if action == REMIND:
            claim = [WorkItemModel.reminded_at.set(at)]
        else:
            condition &= WorkItemModel.escalations == escalations - 1
            claim = [WorkItemModel.escalations.add(1), WorkItemModel.overdue.set(True)]
            if escalations == 1:
                complaint_actions = [ComplaintModel.overdue.set(True), ComplaintModel.updated_at.set(at)]
        claim += [WorkItemModel.last_tick.set(mark), WorkItemModel.last_tick_action.set(action)]
        if sent_at:
            claim.append(WorkItemModel.last_tick_at.set(sent_at))
        with transaction(report) as tx:
            tx.update(
                WorkItemModel(complaint_id, step), actions=claim, condition=WorkItemModel.step.exists() & condition
            )
            if complaint_actions:
                tx.update(ComplaintModel(complaint_id), actions=complaint_actions, condition=ComplaintModel.id.exists())
            save_audit(tx, audit)

    # -- waiting for the citizen's answer ---------------------------------------------------
    def plan_answer_wait(self, complaint_id: str, step: int, remind_at: str, expires_at: str) -> WorkItem:
        """Store when the citizen is reminded of the question and when it expires, once (the first plan
        stays). The item as it is now; raises ConditionFailed if it was planned already."""
        return self._update_visit(
            complaint_id,
            step,
            [WorkItemModel.info_remind_at.set(remind_at), WorkItemModel.info_expires_at.set(expires_at)],
            WorkItemModel.info_expires_at.does_not_exist(),
        )

    def record_answer_token(self, complaint_id: str, step: int, token: str, sent_at: str) -> WorkItem:
        """Keep the task token of the wait for the citizen's answer, unless a newer one is stored. The item
        as it is now; raises ConditionFailed (an older message came late)."""
        actions, newer = _newest(WorkItemModel.answer_token, WorkItemModel.answer_token_sent_at, token, sent_at)
        return self._update_visit(complaint_id, step, actions, newer)

    def record_question_reminder(self, complaint_id: str, step: int, at: str, audit: AuditEntry) -> None:
        """Claim the one reminder of the question, with its audit entry (one transaction). Raises
        ConditionFailed if it was claimed already or the citizen has answered."""
        with transaction() as tx:
            tx.update(
                WorkItemModel(complaint_id, step),
                actions=[WorkItemModel.info_reminded_at.set(at)],
                condition=WorkItemModel.step.exists()
                & (WorkItemModel.info_reminded_at.does_not_exist() & WorkItemModel.answer.does_not_exist()),
            )
            save_audit(tx, audit)

    def expire_question(self, complaint_id: str, step: int, at: str) -> None:
        """The question's time ran out unanswered. Raises ConditionFailed if it was answered, or expired
        already."""
        self._update_visit(
            complaint_id,
            step,
            [WorkItemModel.info_expired_at.set(at)],
            WorkItemModel.answer.does_not_exist() & WorkItemModel.info_expired_at.does_not_exist(),
        )

    # -- the end of a round ---------------------------------------------------------------

    def close_open_case(
        self,
        complaint_id: str,
        at: str,
        audit: AuditEntry,
        report: Iterable[Delta] = (),
        reason: str | None = None,
        drop_question: bool = False,
    ) -> None:
        """Close a case that is still open, with its audit entry and report counters (``drop_question``: the
        question it waited on is gone with it). Raises ConditionFailed if it is not open (closed already)."""
        actions = [
            ComplaintModel.status.set(sop.STATUS_CLOSED),
            ComplaintModel.closed_at.set(at),
            ComplaintModel.due_at.remove(),
            ComplaintModel.updated_at.set(at),
        ]
        if drop_question:
            actions.append(ComplaintModel.pending_question.remove())
        if reason:
            actions.append(ComplaintModel.close_reason.set(reason))
        update_complaint(complaint_id, actions, ComplaintModel.status == sop.STATUS_OPEN, audit, report)

    def record_reply_delivered(
        self,
        complaint_id: str,
        at: str,
        feedback_ends_at: str,
        audit: AuditEntry,
        report: Iterable[Delta] = (),
        sop_outcome: str | None = None,
        step: int | None = None,
    ) -> None:
        """The citizen has the reply: the case is answered and its feedback window open until
        ``feedback_ends_at`` (with the whole case's ``sop_outcome``, at its first reply).

        Raises ConditionFailed unless the case is open in the round of ``step`` and not just reopened (a late
        copy of this round's message must not answer the next round).
        """
        actions = [
            ComplaintModel.status.set(sop.STATUS_ANSWERED),
            ComplaintModel.answered_at.set(at),
            ComplaintModel.feedback_ends_at.set(feedback_ends_at),
            ComplaintModel.feedback_token.remove(),
            ComplaintModel.due_at.remove(),
            ComplaintModel.updated_at.set(at),
        ]
        if sop_outcome is not None:
            actions.append(ComplaintModel.sop_outcome.set(sop_outcome))
        not_reopened = ComplaintModel.reopen_pending.does_not_exist() | (ComplaintModel.reopen_pending == False)  # noqa: E712
        condition = (ComplaintModel.status == sop.STATUS_OPEN) & _this_round(step) & not_reopened
        update_complaint(complaint_id, actions, condition, audit, report)

    def record_feedback_token(self, complaint_id: str, token: str, sent_at: str) -> None:
        """Keep the task token of the feedback window, unless a newer one is stored. Raises ConditionFailed
        (an older message came late)."""
        actions, newer = _newest(ComplaintModel.feedback_token, ComplaintModel.feedback_token_sent_at, token, sent_at)
        update_complaint(complaint_id, actions, newer, None, ())

    def close_answered_case(
        self, complaint_id: str, at: str, audit: AuditEntry, report: Iterable[Delta] = (), step: int | None = None
    ) -> None:
        """The feedback window has passed: close the answered case of the round of ``step``. Raises
        ConditionFailed if it is not answered in that round (reopened meanwhile, or closed already)."""
        actions = [
            ComplaintModel.status.set(sop.STATUS_CLOSED),
            ComplaintModel.closed_at.set(at),
            ComplaintModel.feedback_token.remove(),
            ComplaintModel.updated_at.set(at),
        ]
        condition = (ComplaintModel.status == sop.STATUS_ANSWERED) & _this_round(step)
        update_complaint(complaint_id, actions, condition, audit, report)
