"""The store (service/ports.py ``WorkflowStore``) on dicts, for use-case tests that run in milliseconds.

It keeps DynamoDB's observable behaviour, as adapters/store.py and adapters/workflow_store.py use it:
every conditional write raises ConditionFailed exactly when DynamoDB's condition would fail, a
transaction checks every condition before it applies anything (all or nothing), an UpdateItem on a
missing key creates the item, the report counters move as adapters/dynamo.py ``counter_updates`` moves
them, and what comes back is a copy. tests/integration/test_store_contract.py runs the same tests
against this and against the real store on moto, so the two cannot drift apart.

Layout: ``InMemoryTables`` holds the tables and the transaction machinery (and the reads and seeds every
use case shares); ``WorkflowWrites`` is what service/workflow/ writes (as adapters/workflow_store.py
StageStore is a mixin of Store). The case-side methods (complaints, decisions, follow-ups...) go in a
mixin of their own beside it, and ``InMemoryStore`` lists them all.
"""

from __future__ import annotations

import copy
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import fields
from datetime import UTC
from typing import TYPE_CHECKING, Any, TypeVar

from chalicelib.domain import report, sop
from chalicelib.domain.planner import ESCALATE, REMIND
from chalicelib.domain.records import AuditEntry, Complaint, EmailRecord, Link, WorkItem
from chalicelib.domain.report import Delta
from chalicelib.service.ports import EMAIL_CLAIMED, EMAIL_DONE, EMAIL_IN_FLIGHT, ConditionFailed, Missing, WorkflowStore

R = TypeVar("R")
FAILED = "ConditionalCheckFailed"  # DynamoDB's cancellation reason of an item whose condition failed


def as_record(item: Any, record_class: type[R]) -> R:
    """A record of ``record_class`` from anything with its fields (a record, or a PynamoDB model the
    service still builds, such as links.py's LinkModel)."""
    return record_class(**{f.name: copy.deepcopy(getattr(item, f.name)) for f in fields(record_class)})  # type: ignore[arg-type]


class Transaction:
    """One TransactWriteItems: each write brings its condition's outcome, checked against the state
    before any write is applied, and nothing is applied unless every condition holds.

    ConditionFailed carries one reason per item, in the order PynamoDB sends them (condition checks,
    deletes, puts, updates; the report counters last): callers add writes in that order.
    """

    def __init__(self) -> None:
        self.reasons: list[str | None] = []
        self._writes: list[Callable[[], None]] = []

    def write(self, holds: bool, apply: Callable[[], None]) -> None:
        self.reasons.append(None if holds else FAILED)
        self._writes.append(apply)

    def commit(self) -> None:
        if FAILED in self.reasons:
            raise ConditionFailed(self.reasons)
        for apply in self._writes:
            apply()


class InMemoryTables:
    """The tables as dicts under their primary keys, with the reads and the test seeds every use case shares."""

    def __init__(self) -> None:
        self.complaints: dict[str, Complaint] = {}
        self.visits: dict[tuple[str, int], WorkItem] = {}  # the work-items table: one item per stage visit
        self.emails: dict[tuple[str, str], EmailRecord] = {}
        self.links: dict[str, Link] = {}
        self.audit: dict[tuple[str, str], AuditEntry] = {}
        # The report-totals table: (period, row) -> counters, e.g. ("D#2026-11-28", "total") -> {"c_closed": 1}.
        self.counters: dict[tuple[str, str], dict[str, int]] = {}

    # -- writes shared by every part ------------------------------------------------------------------
    def _commit(self, tx: Transaction, deltas: Iterable[Delta] = ()) -> None:
        """Commit ``tx`` with the report counters the event moves, as adapters/dynamo.py ``transaction``:
        one ADD per (period, row) item, zero counters left out, an item whose counters are all zero not
        written at all (so not created). The counters are unconditional updates, listed last."""
        merged: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for delta in deltas:
            for period in report.periods_of(delta.at):
                for name, value in delta.counters.items():
                    merged[(period, delta.row)][name] += value
        for key, counters in merged.items():
            if any(counters.values()):
                tx.write(True, functools.partial(self._add_counters, key, counters))
        tx.commit()

    def _add_counters(self, key: tuple[str, str], counters: dict[str, int]) -> None:
        stored = self.counters.setdefault(key, {})
        for name, value in counters.items():
            if value:
                stored[name] = stored.get(name, 0) + value

    def _put_audit(self, tx: Transaction, entry: AuditEntry) -> None:
        """An audit entry is a put conditioned on its key being new (``seq`` has a random tail)."""
        key = (entry.complaint_id, entry.seq)
        tx.write(key not in self.audit, lambda: self.audit.__setitem__(key, as_record(entry, AuditEntry)))

    @staticmethod
    def _set(record: Any, **changes: Any) -> None:
        """SET (and REMOVE, as None) attributes of a stored record."""
        for name, value in changes.items():
            setattr(record, name, copy.deepcopy(value))

    def append_audit(self, entry: AuditEntry) -> None:
        tx = Transaction()
        self._put_audit(tx, entry)
        tx.commit()

    def put_link(self, link: Any) -> None:
        """A new link's hash; ConditionFailed if that hash is stored already."""
        tx = Transaction()
        self._put_link(tx, link)
        tx.commit()

    def _put_link(self, tx: Transaction, link: Any) -> None:
        stored = as_record(link, Link)
        if stored.ttl is not None:  # DynamoDB's TTL attribute keeps epoch seconds: UTC, no microseconds
            stored.ttl = stored.ttl.astimezone(UTC).replace(microsecond=0)
        tx.write(stored.token_hash not in self.links, lambda: self.links.__setitem__(stored.token_hash, stored))

    # -- reads (consistent, and copies: changing one changes nothing stored) ---------------------------
    def get_complaint(self, complaint_id: str) -> Complaint | None:
        if not complaint_id or len(complaint_id) > 64:  # as adapters/store.py: not an id of ours
            return None
        return copy.deepcopy(self.complaints.get(complaint_id))

    def existing_complaint(self, complaint_id: str) -> Complaint:
        complaint = self.get_complaint(complaint_id)
        if complaint is None:
            raise Missing(f"complaint {complaint_id} is not there")
        return complaint

    def get_work_item(self, complaint_id: str, step: int) -> WorkItem | None:
        return copy.deepcopy(self.visits.get((complaint_id, int(step))))

    def existing_work_item(self, complaint_id: str, step: int) -> WorkItem:
        item = self.get_work_item(complaint_id, step)
        if item is None:
            raise Missing(f"work item {complaint_id}#{step} is not there")
        return item

    def work_items(self, complaint_id: str) -> list[WorkItem]:
        """A Query on the partition: by step."""
        return [copy.deepcopy(i) for (cid, _), i in sorted(self.visits.items()) if cid == complaint_id]

    def get_email(self, complaint_id: str, key: str) -> EmailRecord | None:
        return copy.deepcopy(self.emails.get((complaint_id, key)))

    def emails_of(self, complaint_id: str) -> list[EmailRecord]:
        return [copy.deepcopy(e) for (cid, _), e in sorted(self.emails.items()) if cid == complaint_id]

    def get_link(self, token_hash: str) -> Link | None:
        return copy.deepcopy(self.links.get(token_hash))

    def audit_trail(self, complaint_id: str) -> list[AuditEntry]:
        """By ``seq``, which sorts as time."""
        return [copy.deepcopy(e) for (cid, _), e in sorted(self.audit.items()) if cid == complaint_id]

    def report_items(self, periods: Iterable[str]) -> tuple[list[tuple[str, str, dict[str, int]]], int]:
        """Every counter item of these periods (a Query each: by row), and how many items were read."""
        wanted = list(periods)
        items = [
            (period, row, dict(counters))
            for want in wanted
            for (period, row), counters in sorted(self.counters.items())
            if period == want
        ]
        return items, len(items)

    # -- seeds: what the case-side use cases would have written (until the fake has them) ---------------
    def seed_complaint(self, complaint: Complaint) -> Complaint:
        self.complaints[complaint.id] = copy.deepcopy(complaint)
        return complaint

    def seed_audit(self, entry: AuditEntry) -> AuditEntry:
        self.audit[(entry.complaint_id, entry.seq)] = copy.deepcopy(entry)
        return entry

    def seed_work_item(self, item: WorkItem) -> WorkItem:
        """Put a work item as it is (a PutItem): e.g. one a team has decided, or one whose question was answered."""
        self.visits[(item.complaint_id, int(item.step))] = copy.deepcopy(item)
        return item


def _newest(stored_sent_at: str | None, sent_at: str) -> bool:
    """adapters/workflow_store.py ``_newest``: a token is kept unless a newer one (by ``sent_at``) is stored."""
    return stored_sent_at is None or stored_sent_at <= sent_at


class WorkflowWrites(InMemoryTables):
    """What service/workflow/ writes (adapters/workflow_store.py StageStore, and the outbox's part of
    adapters/store.py); each docstring names the DynamoDB condition it mirrors."""

    # -- emails, each once ------------------------------------------------------------------------------
    def claim_email(self, complaint_id: str, key: str, now: str, lease_until: str, links: Sequence[Any] = ()) -> str:
        """UpdateItem (creating the record) ``lease_until = :l, ADD attempts 1`` if ``sent_at`` and ``rejected``
        are absent and no lease is held past ``now``; with ``links``, one transaction that also puts each
        link if its hash is new. On any failed condition nothing is written, and the record tells which."""
        record = self.emails.get((complaint_id, key))
        claimable = record is None or (
            record.sent_at is None
            and record.rejected is None
            and (record.lease_until is None or record.lease_until < now)
        )

        def claim() -> None:
            stored = self.emails.setdefault((complaint_id, key), EmailRecord(complaint_id, key))
            self._set(stored, lease_until=lease_until, attempts=int(stored.attempts or 0) + 1)

        tx = Transaction()
        tx.write(claimable, claim)
        for link in links:
            self._put_link(tx, link)
        try:
            tx.commit()
        except ConditionFailed:
            found = self.emails.get((complaint_id, key))
            return EMAIL_DONE if found is not None and (found.sent_at or found.rejected) else EMAIL_IN_FLIGHT
        return EMAIL_CLAIMED

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
        """One transaction: the email (created if missing) marked sent if ``sent_at`` is absent, its lease
        removed; the audit entry; with ``assigned_step``, that work item's ``assigned_notified`` (no condition).

        Unlike DynamoDB, whose unconditional UpdateItem would create a stub work item of only its keys,
        a missing ``assigned_step`` item is left missing here (the workflow never names one that is not there).
        """
        record = self.emails.get((complaint_id, key))

        def mark() -> None:
            stored = self.emails.setdefault((complaint_id, key), EmailRecord(complaint_id, key))
            self._set(
                stored, sent_at=sent_at, ses_message_id=message_id, template=template, to=list(to), subject=subject
            )
            stored.lease_until = None

        tx = Transaction()
        self._put_audit(tx, audit)  # puts before updates, as PynamoDB sends them
        tx.write(record is None or record.sent_at is None, mark)
        if assigned_step is not None:
            item = self.visits.get((complaint_id, int(assigned_step)))

            def notified() -> None:
                if item is not None:
                    item.assigned_notified = True

            tx.write(True, notified)
        self._commit(tx)

    def mark_email_rejected(self, complaint_id: str, key: str, code: str, template: str, to: list[str]) -> None:
        """UpdateItem (creating the record) if ``sent_at`` is absent; a sent one stays as it is, silently."""
        record = self.emails.get((complaint_id, key))
        if record is not None and record.sent_at is not None:
            return
        stored = self.emails.setdefault((complaint_id, key), EmailRecord(complaint_id, key))
        self._set(stored, rejected=code, template=template, to=list(to), lease_until=None)

    def release_email(self, complaint_id: str, key: str, lease_until: str) -> None:
        """REMOVE ``lease_until`` if it is still ours (equal) and the email is not sent; else nothing, silently."""
        record = self.emails.get((complaint_id, key))
        if record is not None and record.lease_until == lease_until and record.sent_at is None:
            record.lease_until = None

    # -- a stage visit, its wait and its clock ----------------------------------------------------------
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
        """One transaction: put the work item if its key is new, put the audit entry, update the complaint
        if it exists. False if only the work item's condition failed (a redelivery: reason first); a missing
        complaint raises ConditionFailed."""
        key = (item.complaint_id, int(item.step))
        complaint = self.complaints.get(item.complaint_id)
        changes: dict[str, Any] = {"stage": item.stage, "step": item.step, "updated_at": at}
        if paused_seconds is not None:
            changes["paused_seconds"] = paused_seconds
        if sop_due_at is not None:
            changes["sop_due_at"] = sop_due_at
        if reopened:
            changes["reopen_pending"] = False
        changes.update(due_at=item.due_at, overdue=overdue)
        tx = Transaction()
        tx.write(key not in self.visits, lambda: self.visits.__setitem__(key, copy.deepcopy(item)))
        self._put_audit(tx, audit)
        tx.write(complaint is not None, lambda: self._set(complaint, **changes))
        try:
            self._commit(tx)
        except ConditionFailed as failed:
            if failed.reasons[:1] == [FAILED]:
                return False
            raise
        return True

    def _update_visit(
        self, complaint_id: str, step: int, holds: Callable[[WorkItem], bool] = lambda item: True, **changes: Any
    ) -> WorkItem:
        """UpdateItem on a work item that must exist, if ``holds``; returns it as it is now."""
        item = self.visits.get((complaint_id, int(step)))
        if item is None or not holds(item):
            raise ConditionFailed()
        self._set(item, **changes)
        return copy.deepcopy(item)

    def record_task_token(self, complaint_id: str, step: int, token: str, sent_at: str) -> WorkItem:
        """SET ``task_token``, ``token_sent_at`` unless a newer ``token_sent_at`` is stored."""
        return self._update_visit(
            complaint_id,
            step,
            lambda i: _newest(i.token_sent_at, sent_at),
            task_token=token,
            token_sent_at=sent_at,
        )

    def mark_assigned_notified(self, complaint_id: str, step: int) -> None:
        """SET ``assigned_notified`` on a work item that exists."""
        self._update_visit(complaint_id, step, assigned_notified=True)

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
        """One transaction: the work item if it exists, is undecided, its ``last_tick`` is not ``mark``, its
        ``last_tick_at`` older than ``sent_at`` and (ESCALATE) its ``escalations`` one below the new count;
        at the first escalation the complaint's overdue flag (if it exists); the audit entry; the counters."""
        if action not in (REMIND, ESCALATE):
            raise ValueError(f"a tick reminds or escalates, not {action!r}")
        item = self.visits.get((complaint_id, int(step)))
        holds = (
            item is not None
            and item.last_tick != mark
            and item.decision is None
            and (not sent_at or item.last_tick_at is None or item.last_tick_at < sent_at)
            and (action == REMIND or int(item.escalations or 0) == escalations - 1)
        )
        claim: dict[str, Any] = {"last_tick": mark, "last_tick_action": action}
        if sent_at:
            claim["last_tick_at"] = sent_at
        if action == REMIND:
            claim["reminded_at"] = at
        elif item is not None:
            claim.update(escalations=int(item.escalations or 0) + 1, overdue=True)
        complaint = self.complaints.get(complaint_id)
        tx = Transaction()
        self._put_audit(tx, audit)
        tx.write(holds, lambda: self._set(item, **claim))
        if action == ESCALATE and escalations == 1:
            tx.write(complaint is not None, lambda: self._set(complaint, overdue=True, updated_at=at))
        self._commit(tx, report)

    # -- the citizen's question -------------------------------------------------------------------------
    def plan_answer_wait(self, complaint_id: str, step: int, remind_at: str, expires_at: str) -> WorkItem:
        """SET the answer's reminder and deadline if ``info_expires_at`` is absent (the first plan stays)."""
        return self._update_visit(
            complaint_id,
            step,
            lambda i: i.info_expires_at is None,
            info_remind_at=remind_at,
            info_expires_at=expires_at,
        )

    def record_answer_token(self, complaint_id: str, step: int, token: str, sent_at: str) -> WorkItem:
        """SET ``answer_token``, ``answer_token_sent_at`` unless a newer ``answer_token_sent_at`` is stored."""
        return self._update_visit(
            complaint_id,
            step,
            lambda i: _newest(i.answer_token_sent_at, sent_at),
            answer_token=token,
            answer_token_sent_at=sent_at,
        )

    def record_question_reminder(self, complaint_id: str, step: int, at: str, audit: AuditEntry) -> None:
        """One transaction: ``info_reminded_at`` if neither it nor the answer is there, and the audit entry."""
        item = self.visits.get((complaint_id, int(step)))
        tx = Transaction()
        self._put_audit(tx, audit)
        holds = item is not None and item.info_reminded_at is None and item.answer is None
        tx.write(holds, lambda: self._set(item, info_reminded_at=at))
        self._commit(tx)

    def expire_question(self, complaint_id: str, step: int, at: str) -> None:
        """SET ``info_expired_at`` if neither the answer nor an expiry is there."""
        self._update_visit(
            complaint_id,
            step,
            lambda i: i.answer is None and i.info_expired_at is None,
            info_expired_at=at,
        )

    # -- the end of a round ---------------------------------------------------------------------------
    def _update_case(
        self,
        complaint_id: str,
        holds: Callable[[Complaint], bool],
        changes: dict[str, Any],
        audit: AuditEntry | None,
        deltas: Iterable[Delta] = (),
    ) -> None:
        """One transaction: the complaint if it exists and ``holds``, its audit entry, the counters."""
        complaint = self.complaints.get(complaint_id)
        tx = Transaction()
        if audit is not None:
            self._put_audit(tx, audit)
        tx.write(complaint is not None and holds(complaint), lambda: self._set(complaint, **changes))
        self._commit(tx, deltas)

    def close_open_case(
        self,
        complaint_id: str,
        at: str,
        audit: AuditEntry,
        report: Iterable[Delta] = (),
        reason: str | None = None,
        drop_question: bool = False,
    ) -> None:
        """If the case is open: closed, its ``due_at`` (and with ``drop_question`` its question) removed."""
        changes: dict[str, Any] = {"status": sop.STATUS_CLOSED, "closed_at": at, "due_at": None, "updated_at": at}
        if drop_question:
            changes["pending_question"] = None
        if reason:
            changes["close_reason"] = reason
        self._update_case(complaint_id, lambda c: c.status == sop.STATUS_OPEN, changes, audit, report)

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
        """If open, in the round of ``step`` (any, without one) and not just reopened."""
        changes: dict[str, Any] = {
            "status": sop.STATUS_ANSWERED,
            "answered_at": at,
            "feedback_ends_at": feedback_ends_at,
            "feedback_token": None,
            "due_at": None,
            "updated_at": at,
        }
        if sop_outcome is not None:
            changes["sop_outcome"] = sop_outcome

        def holds(c: Complaint) -> bool:
            return c.status == sop.STATUS_OPEN and (step is None or c.step == step) and not c.reopen_pending

        self._update_case(complaint_id, holds, changes, audit, report)

    def record_feedback_token(self, complaint_id: str, token: str, sent_at: str) -> None:
        """SET ``feedback_token`` unless a newer ``feedback_token_sent_at`` is stored (no audit, no counters)."""
        changes = {"feedback_token": token, "feedback_token_sent_at": sent_at}
        self._update_case(complaint_id, lambda c: _newest(c.feedback_token_sent_at, sent_at), changes, None)

    def close_answered_case(
        self, complaint_id: str, at: str, audit: AuditEntry, report: Iterable[Delta] = (), step: int | None = None
    ) -> None:
        """If answered, in the round of ``step`` (any, without one)."""
        changes = {"status": sop.STATUS_CLOSED, "closed_at": at, "feedback_token": None, "updated_at": at}

        def holds(c: Complaint) -> bool:
            return c.status == sop.STATUS_ANSWERED and (step is None or c.step == step)

        self._update_case(complaint_id, holds, changes, audit, report)


class InMemoryStore(WorkflowWrites):
    """The whole store in memory: the workflow's writes (and, as they are added, the case side's)."""


if TYPE_CHECKING:  # mypy holds the fake to the port: every WorkflowStore method, with its signature
    _conforms: WorkflowStore = InMemoryStore()
