"""DynamoDB access, hidden behind plain methods the use cases call.

Every write that must not be repeated is conditional; writes that belong
together are one transaction, so a crash never leaves half a decision.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import suppress
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from pynamodb.exceptions import DoesNotExist, PutError

from ..domain import sop
from ..domain.limits import CounterHit
from ..domain.records import AuditEntry, Complaint, EmailRecord, Link, WorkItem
from ..domain.report import Delta
from ..service.ports import EMAIL_CLAIMED, EMAIL_DONE, EMAIL_IN_FLIGHT, ConditionFailed, Missing
from .attachment_store import AttachmentStore
from .case_lists import CaseLists
from .dynamo import condition_failed, conditional, save_audit, to_model, to_record, transaction, update_complaint
from .privacy_store import PrivacyStore
from .rate_counters import RateCounters, counter_update
from .tables import (
    AuditModel,
    CaseRouteModel,
    ComplaintModel,
    EmailModel,
    LinkModel,
    RateCounterModel,
    ReportModel,
    RevocationModel,
    TrackingNumberModel,
    WorkItemModel,
)
from .workflow_store import StageStore

if TYPE_CHECKING:
    from pynamodb.expressions.update import Action


class Store(AttachmentStore, CaseLists, PrivacyStore, RateCounters, StageStore):
    """The tables, as the use cases need them (service/ports.py ``Store``): attachments in
    adapters/attachment_store.py, the staff's case lists in case_lists.py, UU PDP in privacy_store.py,
    rate counters in rate_counters.py, the stage machinery's writes in workflow_store.py."""

    # -- complaints -----------------------------------------------------------
    def create_complaint(
        self,
        complaint: Complaint,
        audit: AuditEntry,
        report: Iterable[Delta] = (),
        counted: CounterHit | None = None,
        token: tuple[str, int | None] | None = None,
    ) -> None:
        """Insert the complaint, its tracking number and its first audit entry, or nothing; with ``counted``
        (rate_counters.counter_update) the reporter's rate counter goes up in the same transaction; with
        ``token`` (the account's subject key and the token's ``iat``) the token must not have been revoked
        (a closed account, a disabled member: service/access.py), checked in the same transaction.

        Raises ConditionFailed with reasons ``[complaint, tracking, audit, counter, token]``: an existing
        complaint (a replay), a tracking number taken, a counter full, a revoked token.
        """
        tracking = TrackingNumberModel(complaint.tracking_number, complaint_id=complaint.id)
        try:
            with transaction(report) as tx:
                if token is not None:
                    subject, issued_at = token
                    still_valid = RevocationModel.subject.does_not_exist()
                    if issued_at is not None:
                        still_valid |= RevocationModel.revoked_at < issued_at
                    tx.condition_check(RevocationModel, subject, condition=still_valid)
                tx.save(to_model(complaint, ComplaintModel), condition=ComplaintModel.id.does_not_exist())
                tx.save(tracking, condition=TrackingNumberModel.tracking_number.does_not_exist())
                save_audit(tx, audit)
                if counted is not None:
                    counter, actions, condition = counter_update(counted)
                    tx.update(counter, actions=actions, condition=condition)
        except ConditionFailed as failed:
            if token is None:
                raise
            # DynamoDB answers condition checks first: put the token's reason last, as the docstring says.
            token_reason, *rest = failed.reasons or [None]
            raise ConditionFailed([*(rest + [None] * 4)[:4], token_reason]) from failed

    def withdraw_complaint(
        self,
        complaint: Complaint,
        audit: AuditEntry,
        report: Iterable[Delta] = (),
        counted: CounterHit | None = None,
    ) -> None:
        """Remove a complaint whose execution never started (and free its tracking number); with ``counted``
        (what create_complaint counted it with), take it off the reporter's rate counter in the same write."""
        with transaction(report) as tx:
            tx.delete(ComplaintModel(complaint.id), condition=ComplaintModel.step == 0)
            tx.delete(TrackingNumberModel(complaint.tracking_number))
            save_audit(tx, audit)
            if counted is not None:
                tx.update(RateCounterModel(counted.counter), actions=[RateCounterModel.members.delete({complaint.id})])

    def get_complaint(self, complaint_id: str) -> Complaint | None:
        if not complaint_id or len(complaint_id) > 64:  # not an id of ours (DynamoDB refuses keys over 2 KB)
            return None
        try:
            return to_record(ComplaintModel.get(complaint_id, consistent_read=True), Complaint)
        except DoesNotExist:
            return None

    def existing_complaint(self, complaint_id: str) -> Complaint:
        """A complaint that must be there; Missing (an error: the message is delivered again) if not."""
        complaint = self.get_complaint(complaint_id)
        if complaint is None:
            raise Missing(f"complaint {complaint_id} is not there")
        return complaint

    def complaint_by_tracking_number(self, tracking_number: str) -> Complaint | None:
        try:
            entry = TrackingNumberModel.get(tracking_number)
        except DoesNotExist:
            return None
        return self.get_complaint(entry.complaint_id)

    def complaints_of(
        self, citizen_id: str, limit: int, start_key: dict | None = None
    ) -> tuple[list[Complaint], dict | None]:
        """A page of a citizen's complaints, newest first, and the key of the next page (None: the last)."""
        result = ComplaintModel.by_citizen.query(
            citizen_id, scan_index_forward=False, limit=limit, last_evaluated_key=start_key
        )
        items = [to_record(c, Complaint) for c in result]
        return items, result.last_evaluated_key

    # -- emails, each once (tables.EmailModel; service/workflow/outbox.py send_once) ---------------
    def claim_email(self, complaint_id: str, key: str, now: str, lease_until: str, links: Sequence[Link] = ()) -> str:
        """Claim one email for sending until ``lease_until`` (ISO times, as ``now``), and store the hashes of
        the action ``links`` it carries in the same write (a transaction, when there are any).

        EMAIL_CLAIMED: send it now. EMAIL_DONE: sent (or refused for good) already. EMAIL_IN_FLIGHT:
        another claim holds it and its lease has not run out (it is being sent, or its sender died).
        Unless claimed, no link is stored.
        """
        claim: list[Action] = [EmailModel.lease_until.set(lease_until), EmailModel.attempts.add(1)]
        claimable = (
            EmailModel.sent_at.does_not_exist()
            & EmailModel.rejected.does_not_exist()
            & (EmailModel.lease_until.does_not_exist() | (EmailModel.lease_until < now))
        )
        try:
            if links:
                with transaction() as tx:
                    tx.update(EmailModel(complaint_id, key), actions=claim, condition=claimable)
                    for link in links:
                        tx.save(to_model(link, LinkModel), condition=LinkModel.token_hash.does_not_exist())
            else:
                with conditional():
                    EmailModel(complaint_id, key).update(actions=claim, condition=claimable)
        except ConditionFailed:
            pass  # the claim's condition (a new link's random 256-bit hash cannot be there already)
        else:
            return EMAIL_CLAIMED
        found = self.get_email(complaint_id, key)
        return EMAIL_DONE if found is not None and (found.sent_at or found.rejected) else EMAIL_IN_FLIGHT

    def mark_email_rejected(self, complaint_id: str, key: str, code: str, template: str, to: list[str]) -> None:
        """Record that the mail service refused the email for good: done, never to be sent."""
        with suppress(ConditionFailed), conditional():  # a failed condition: nothing to do
            EmailModel(complaint_id, key).update(
                actions=[
                    EmailModel.rejected.set(code),
                    EmailModel.template.set(template),
                    EmailModel.to.set(list(to)),
                    EmailModel.lease_until.remove(),
                ],
                condition=EmailModel.sent_at.does_not_exist(),
            )

    def release_email(self, complaint_id: str, key: str, lease_until: str) -> None:
        """Give up our claim after a failed send, so the next delivery may claim it at once.
        (Only our own lease: another sender's claim stays.)"""
        with suppress(ConditionFailed), conditional():  # a failed condition: nothing to do
            EmailModel(complaint_id, key).update(
                actions=[EmailModel.lease_until.remove()],
                condition=(EmailModel.lease_until == lease_until) & EmailModel.sent_at.does_not_exist(),
            )

    def get_email(self, complaint_id: str, key: str) -> EmailRecord | None:
        try:
            return to_record(EmailModel.get(complaint_id, key, consistent_read=True), EmailRecord)
        except DoesNotExist:
            return None

    # -- work items -----------------------------------------------------------
    def get_work_item(self, complaint_id: str, step: int) -> WorkItem | None:
        try:
            return to_record(WorkItemModel.get(complaint_id, step, consistent_read=True), WorkItem)
        except DoesNotExist:
            return None

    def existing_work_item(self, complaint_id: str, step: int) -> WorkItem:
        """A work item that must be there; Missing (an error: the message is delivered again) if not."""
        item = self.get_work_item(complaint_id, step)
        if item is None:
            raise Missing(f"work item {complaint_id}#{step} is not there")
        return item

    def work_items(self, complaint_id: str) -> list[WorkItem]:
        return [to_record(i, WorkItem) for i in WorkItemModel.query(complaint_id, consistent_read=True)]

    def open_items_of(
        self, queue: str, limit: int = 50, after: tuple[str, str, int] | None = None, due_by: str | None = None
    ) -> list[WorkItem]:
        """A team's open work items, soonest due first, from the sparse queue index.

        ``after`` is the (due_at, complaint_id, step) of the last item already shown; ``due_by``
        keeps only items due by then (overdue ones), as a key condition, not a filter.
        """
        start = None
        if after is not None:
            due_at, complaint_id, step = after
            start = {
                "queue": {"S": queue},
                "due_at": {"S": due_at},
                "complaint_id": {"S": complaint_id},
                "step": {"N": str(step)},
            }
        condition = WorkItemModel.due_at <= due_by if due_by else None
        found = WorkItemModel.by_queue.query(queue, condition, limit=limit, last_evaluated_key=start)
        return [to_record(i, WorkItem) for i in found]

    def record_decision(
        self,
        complaint_id: str,
        step: int,
        *,
        decision: dict,
        decided_at: str,
        decided_by: str,
        sla: str,
        business_minutes: float,
        complaint_changes: dict,
        audit: AuditEntry,
        question: str | None = None,
        routed_opd: str | None = None,
        received_at: str | None = None,
        pending_question: dict | None = None,
        link_hash: str | None = None,
        carries_on: str | None = None,
        report: Iterable[Delta] = (),
    ) -> None:
        """Write a decision once: work item (only if undecided: it leaves its queue), complaint (its
        ``complaint_changes``, the agency it is ``routed_opd`` to, a ``pending_question``), audit, and the
        action link ``link_hash`` used (only if unused). A routed case is put in the agency's case list
        (tables.CaseRouteModel, keyed by the complaint's ``received_at``: its ``created_at``), in the same write.

        ``carries_on``: for a duplicate, the case that carries on must not have become a duplicate
        itself meanwhile (two cases closed as duplicates of each other would both end). PynamoDB
        sends condition checks first, so its reason is the first.
        """
        item_actions: list[Action] = [
            WorkItemModel.decision.set(decision),
            WorkItemModel.decided_at.set(decided_at),
            WorkItemModel.decided_by.set(decided_by),
            WorkItemModel.queue.remove(),
            WorkItemModel.sla_outcome.set(sla),
            WorkItemModel.business_minutes.set(business_minutes),
        ]
        if question is not None:
            item_actions.append(WorkItemModel.question.set(question))
        complaint_actions: list[Action] = [
            getattr(ComplaintModel, name).set(value) for name, value in complaint_changes.items()
        ]
        complaint_actions.append(ComplaintModel.updated_at.set(decided_at))
        if routed_opd is not None:
            if received_at is None:
                raise ValueError("a routed case needs its received_at (the agency's list is keyed by it)")
            complaint_actions.append(ComplaintModel.routed_opds.add({routed_opd}))
        if pending_question is not None:
            complaint_actions.append(ComplaintModel.pending_question.set(pending_question))
        with transaction(report) as tx:
            tx.update(
                WorkItemModel(complaint_id, step),
                actions=item_actions,
                condition=WorkItemModel.step.exists() & WorkItemModel.decision.does_not_exist(),
            )
            tx.update(ComplaintModel(complaint_id), actions=complaint_actions, condition=ComplaintModel.id.exists())
            save_audit(tx, audit)
            if link_hash:
                tx.update(
                    LinkModel(link_hash),
                    actions=[LinkModel.used_at.set(decided_at)],
                    condition=LinkModel.token_hash.exists() & LinkModel.used_at.does_not_exist(),
                )
            if carries_on:
                tx.condition_check(
                    ComplaintModel,
                    carries_on,
                    condition=ComplaintModel.kind.does_not_exist() | (ComplaintModel.kind != "duplicate"),
                )
            if routed_opd is not None:
                route = CaseRouteModel(routed_opd, f"{received_at}#{complaint_id}", complaint_id=complaint_id)
                tx.save(route)  # the same item every time: a case routed to an agency again changes nothing

    # -- the citizen after the reply (service/followup.py) ----------------------------------------
    def answer_question(
        self, complaint_id: str, step: int, answer: str, answered_at: str, answered_by: str, audit: AuditEntry
    ) -> None:
        """Write the citizen's answer once: only while the question waits and its time has not run out;
        the complaint's question is no longer pending."""
        with transaction() as tx:
            tx.update(
                WorkItemModel(complaint_id, step),
                actions=[
                    WorkItemModel.answer.set(answer),
                    WorkItemModel.answered_at.set(answered_at),
                    WorkItemModel.answered_by.set(answered_by),
                ],
                condition=WorkItemModel.question.exists()
                & WorkItemModel.answer.does_not_exist()
                & WorkItemModel.info_expired_at.does_not_exist(),
            )
            tx.update(
                ComplaintModel(complaint_id),
                actions=[ComplaintModel.pending_question.remove(), ComplaintModel.updated_at.set(answered_at)],
                condition=ComplaintModel.pending_question.exists(),
            )
            save_audit(tx, audit)

    def record_rating(
        self, complaint_id: str, rating: dict, at: str, audit: AuditEntry, report: Iterable[Delta] = ()
    ) -> None:
        """Store the citizen's rating once: only of a case answered (or closed after its answer) and not
        rated yet. Raises ConditionFailed otherwise."""
        update_complaint(
            complaint_id,
            [ComplaintModel.rating.set(rating), ComplaintModel.updated_at.set(at)],
            ComplaintModel.rating.does_not_exist()
            & ComplaintModel.answered_at.exists()
            & ComplaintModel.status.is_in(sop.STATUS_ANSWERED, sop.STATUS_CLOSED),
            audit,
            report,
        )

    def reopen_case(
        self, complaint_id: str, reopens: int, reason: str, at: str, audit: AuditEntry, report: Iterable[Delta] = ()
    ) -> None:
        """Open an answered case again (its ``reopens``-th reopening before this one), once: only while its
        feedback window lasts and nobody reopened it meanwhile. Raises ConditionFailed otherwise."""
        # No other reopening in between (cases from before reopening existed may lack the counter).
        unchanged_count = (
            (ComplaintModel.reopens == reopens)
            if reopens
            else (ComplaintModel.reopens.does_not_exist() | (ComplaintModel.reopens == 0))
        )
        update_complaint(
            complaint_id,
            [
                ComplaintModel.status.set(sop.STATUS_OPEN),
                ComplaintModel.reopens.set(reopens + 1),
                ComplaintModel.reopen_pending.set(True),
                ComplaintModel.reopen_reason.set(reason),
                ComplaintModel.updated_at.set(at),
            ],
            (ComplaintModel.status == sop.STATUS_ANSWERED) & (ComplaintModel.feedback_ends_at > at) & unchanged_count,
            audit,
            report,
        )

    # -- the SLA report's counters ----------------------------------------------
    def report_items(self, periods: Iterable[str], rows: str = "") -> tuple[list[tuple[str, str, dict[str, int]]], int]:
        """Every counter item of these periods (one query each), and how many items were read; with ``rows``,
        only the rows that begin so (``opd#``: the agencies'), by the query's key condition, so the others
        are not read at all."""
        connection = ReportModel._get_connection()
        condition = ReportModel.row.startswith(rows) if rows else None
        items = []
        for period in periods:
            start = None
            while True:
                page = connection.query(period, range_key_condition=condition, exclusive_start_key=start)
                for raw in page.get("Items", []):
                    counters = {name: int(float(value["N"])) for name, value in raw.items() if "N" in value}
                    items.append((raw["period"]["S"], raw["row"]["S"], counters))
                start = page.get("LastEvaluatedKey")
                if not start:
                    break
        return items, len(items)

    def claim_report_email(self, month: str, lease: timedelta = timedelta(minutes=15)) -> bool:
        """Claim the monthly report email of ``month`` (YYYY-MM): False if it was sent, or is being sent.

        A claim not marked sent within ``lease`` (a run that died between claiming and sending) may be
        claimed again, so a later run sends the month after all.
        """
        now = datetime.now(UTC)
        try:
            ReportModel("emails", f"monthly#{month}", claimed_at=now.isoformat()).save(
                condition=ReportModel.row.does_not_exist()
                | (ReportModel.sent_at.does_not_exist() & (ReportModel.claimed_at < (now - lease).isoformat()))
            )
        except PutError as error:
            if condition_failed(error):
                return False
            raise
        return True

    def mark_report_email_sent(self, month: str) -> None:
        ReportModel("emails", f"monthly#{month}").update(
            actions=[ReportModel.sent_at.set(datetime.now(UTC).isoformat())]
        )

    def release_report_email(self, month: str) -> None:
        """Undo a claim whose email could not be sent, so the next run sends it."""
        with conditional():  # a sent email stays sent
            ReportModel("emails", f"monthly#{month}").delete(condition=ReportModel.sent_at.does_not_exist())

    # -- links and audit --------------------------------------------------------
    def put_link(self, link: Link) -> None:
        with conditional():
            to_model(link, LinkModel).save(condition=LinkModel.token_hash.does_not_exist())

    def get_link(self, token_hash: str) -> Link | None:
        try:
            return to_record(LinkModel.get(token_hash, consistent_read=True), Link)
        except DoesNotExist:
            return None

    def audit_trail(self, complaint_id: str) -> list[AuditEntry]:
        return [to_record(e, AuditEntry) for e in AuditModel.query(complaint_id, consistent_read=True)]
