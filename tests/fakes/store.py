"""The store (service/ports.py ``WorkflowStore``) on dicts, for use-case tests that run in milliseconds.

It keeps DynamoDB's observable behaviour, as adapters/store.py and adapters/workflow_store.py use it:
every conditional write raises ConditionFailed exactly when DynamoDB's condition would fail, a
transaction checks every condition before it applies anything (all or nothing), an UpdateItem on a
missing key creates the item, the report counters move as adapters/dynamo.py ``counter_updates`` moves
them, and what comes back is a copy. tests/integration/test_store_contract.py runs the same tests
against this and against the real store on moto, so the two cannot drift apart.

Layout: ``InMemoryTables`` holds the tables and the transaction machinery (and the reads and seeds every
use case shares); ``WorkflowWrites`` is what service/workflow/ writes (as adapters/workflow_store.py
StageStore is a mixin of Store); the case side is ``ComplaintWrites`` (and the rate counters),
``CaseWorkWrites`` (decisions, follow-ups, queues, the monthly email's claim), ``AttachmentWrites`` and
``PersonalDataWrites``, as adapters/store.py and its mixins split it. ``InMemoryStore`` lists them all,
and mypy holds it to the whole ``Store`` port (the end of this file). The case side's contract is
tests/integration/test_store_contract_cases.py.
"""

from __future__ import annotations

import copy
import functools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from chalicelib.domain import report, sop
from chalicelib.domain.case_list import CaseFilter
from chalicelib.domain.files import ACCEPTED, PENDING, REJECTED
from chalicelib.domain.limits import CounterHit
from chalicelib.domain.planner import ESCALATE, REMIND
from chalicelib.domain.public_register import PublicFilter
from chalicelib.domain.records import Attachment, AuditEntry, Complaint, EmailRecord, Link, WorkItem
from chalicelib.domain.report import Delta
from chalicelib.service.ports import (
    EMAIL_CLAIMED,
    EMAIL_DONE,
    EMAIL_IN_FLIGHT,
    ConditionFailed,
    Missing,
    ReadBudget,
    Store,
    WorkflowStore,
)

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
        self._writes: list[Callable[[], object]] = []

    def write(self, holds: bool, apply: Callable[[], object]) -> None:
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
        # ... and its partition "emails": the monthly report emails' claims, by month.
        self.report_emails: dict[str, ReportEmail] = {}
        self.tracking_numbers: dict[str, str] = {}  # tracking number -> complaint id
        self.attachments_: dict[tuple[str, str], Attachment] = {}  # (complaint id, attachment id)
        self.rate_counters: dict[str, RateCounter] = {}
        self.revocations: dict[str, Revocation] = {}  # subject key -> revocation
        self.case_routes: dict[tuple[str, str], str] = {}  # (opd, "<created_at>#<id>") -> complaint id

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

    def _update_case(
        self,
        complaint_id: str,
        holds: Callable[[Complaint], bool],
        changes: dict[str, Any],
        audit: AuditEntry | None,
        deltas: Iterable[Delta] = (),
    ) -> None:
        """One transaction: the complaint if it exists and ``holds``, its audit entry, the counters (as the
        DynamoDB store's ``dynamo.update_complaint``)."""
        complaint = self.complaints.get(complaint_id)
        tx = Transaction()
        if audit is not None:
            self._put_audit(tx, audit)
        tx.write(complaint is not None and holds(complaint), lambda: self._set(complaint, **changes))
        self._commit(tx, deltas)

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
        if stored.ttl is not None:
            stored.ttl = _in_seconds(stored.ttl)
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

    def email_records(self, complaint_id: str) -> list[EmailRecord]:
        """The case's email records, by key (sent, refused, or claimed and not yet sent)."""
        return [copy.deepcopy(e) for (cid, _), e in sorted(self.emails.items()) if cid == complaint_id]

    def get_link(self, token_hash: str) -> Link | None:
        return copy.deepcopy(self.links.get(token_hash))

    def audit_trail(self, complaint_id: str) -> list[AuditEntry]:
        """By ``seq``, which sorts as time."""
        return [copy.deepcopy(e) for (cid, _), e in sorted(self.audit.items()) if cid == complaint_id]

    def report_items(self, periods: Iterable[str], rows: str = "") -> tuple[list[tuple[str, str, dict[str, int]]], int]:
        """Every counter item of these periods (a Query each: by row), and how many items were read; ``rows``:
        only the rows beginning so (the query's key condition: the others are not read)."""
        wanted = list(periods)
        items = [
            (period, row, dict(counters))
            for want in wanted
            for (period, row), counters in sorted(self.counters.items())
            if period == want and row.startswith(rows)
        ]
        return items, len(items)

    # -- seeds: records as an earlier write (or an older version of the code) left them -----------------
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

    def seed_tracking_number(self, tracking_number: str, complaint_id: str) -> None:
        """The tracking-numbers table's entry of a seeded complaint (create_complaint writes both)."""
        self.tracking_numbers[tracking_number] = complaint_id

    def seed_attachment(self, attachment: Attachment) -> Attachment:
        self.attachments_[(attachment.complaint_id, attachment.attachment_id)] = _ttl_in_seconds(
            as_record(attachment, Attachment)
        )
        return attachment

    def seed_email(self, record: EmailRecord) -> EmailRecord:
        self.emails[(record.complaint_id, record.email_key)] = copy.deepcopy(record)
        return record

    def seed_report_email(self, month: str, claimed_at: str | None = None, sent_at: str | None = None) -> None:
        """A monthly report email's claim as an earlier run left it."""
        self.report_emails[month] = ReportEmail(claimed_at, sent_at)


@dataclass
class ReportEmail:
    """The claim of one monthly report email (adapters/store.py ``claim_report_email``)."""

    claimed_at: str | None = None
    sent_at: str | None = None


@dataclass
class RateCounter:
    """One rate counter item (tables.RateCounterModel): ``hits`` counted, or the ``members`` counted."""

    hits: int | None = None
    members: set[str] | None = None
    ttl: datetime | None = None


@dataclass
class Revocation:
    revoked_at: int
    reason: str
    ttl: datetime


def _in_seconds(moment: datetime) -> datetime:
    """A TTL attribute keeps epoch seconds: it reads back in UTC, without microseconds."""
    return moment.astimezone(UTC).replace(microsecond=0)


def _ttl_in_seconds(attachment: Attachment) -> Attachment:
    if attachment.ttl is not None:
        attachment.ttl = _in_seconds(attachment.ttl)
    return attachment


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


def _unchanged(*_: Any) -> None:
    """A condition check: it writes nothing."""


class ComplaintWrites(InMemoryTables):
    """Complaints submitted and withdrawn, their reads, and the rate counters (adapters/store.py,
    adapters/rate_counters.py): service/ports.py ``ComplaintRecords`` and ``RateCounters``."""

    def create_complaint(
        self,
        complaint: Complaint,
        audit: AuditEntry,
        report: Iterable[Delta] = (),
        counted: CounterHit | None = None,
        token: tuple[str, int | None] | None = None,
    ) -> None:
        """One transaction: (with ``token``) a condition check that the subject has no revocation, or one
        before the token's ``iat``; put the complaint if its id is new, the tracking number if new, the audit
        entry; (with ``counted``) the counter's conditional update; the counters. Reasons as the real one
        gives them: ``[complaint, tracking, audit, counter-or-first-counter, token]`` with a token."""
        tx = Transaction()
        if token is not None:
            subject, issued_at = token
            revoked = self.revocations.get(subject)
            tx.write(
                revoked is None or (issued_at is not None and revoked.revoked_at < issued_at),
                _unchanged,
            )
        stored = as_record(complaint, Complaint)
        tx.write(complaint.id not in self.complaints, lambda: self.complaints.__setitem__(stored.id, stored))
        number = complaint.tracking_number
        tx.write(number not in self.tracking_numbers, lambda: self.tracking_numbers.__setitem__(number, stored.id))
        self._put_audit(tx, audit)
        if counted is not None:
            self._count(tx, counted)
        try:
            self._commit(tx, report)
        except ConditionFailed as failed:
            if token is None:
                raise
            token_reason, *rest = failed.reasons or [None]
            raise ConditionFailed([*(rest + [None] * 4)[:4], token_reason]) from failed

    def withdraw_complaint(
        self,
        complaint: Complaint,
        audit: AuditEntry,
        report: Iterable[Delta] = (),
        counted: CounterHit | None = None,
    ) -> None:
        """One transaction: delete the complaint if its ``step`` is 0, its tracking number (no condition), put
        the audit entry, take the complaint's id out of the counter's members (an emptied set is removed)."""
        found = self.complaints.get(complaint.id)
        tx = Transaction()
        tx.write(found is not None and found.step == 0, lambda: self.complaints.pop(complaint.id))
        tx.write(True, lambda: self.tracking_numbers.pop(complaint.tracking_number, None))
        self._put_audit(tx, audit)
        if counted is not None:
            counter = self.rate_counters.get(counted.counter)

            def uncount() -> None:
                if counter is not None and counter.members is not None:
                    counter.members.discard(complaint.id)
                    counter.members = counter.members or None

            tx.write(True, uncount)
        self._commit(tx, report)

    def complaint_by_tracking_number(self, tracking_number: str) -> Complaint | None:
        complaint_id = self.tracking_numbers.get(tracking_number)
        return self.get_complaint(complaint_id) if complaint_id is not None else None

    def _by_citizen(self, citizen_id: str) -> list[Complaint]:
        """The citizen index (sparse: a complaint without ``citizen_id`` is not in it), in its order:
        ``created_at``, then the table's key."""
        found = [c for c in self.complaints.values() if c.citizen_id is not None and c.citizen_id == citizen_id]
        return sorted(found, key=lambda c: (c.created_at, c.id))

    def complaints_of(
        self, citizen_id: str, limit: int, start_key: dict | None = None
    ) -> tuple[list[Complaint], dict | None]:
        """A Query of the citizen index, newest first, ``Limit`` items after the exclusive start key. The
        next page's key is the last item's (index and table keys, as DynamoDB writes them), given, as moto
        gives it, only when more items follow (DynamoDB may also give it for a full last page)."""
        found = list(reversed(self._by_citizen(citizen_id)))
        if start_key is not None:
            after = (start_key["created_at"]["S"], start_key["id"]["S"])
            found = [c for c in found if (c.created_at, c.id) < after]
        page = found[:limit]
        last = page[-1] if page and len(found) > limit else None
        key = None
        if last is not None:
            key = {"citizen_id": {"S": citizen_id}, "created_at": {"S": last.created_at}, "id": {"S": last.id}}
        return [copy.deepcopy(c) for c in page], key

    # -- rate counters ----------------------------------------------------------------------------------
    def _count(self, tx: Transaction, hit: CounterHit) -> None:
        """adapters/rate_counters.py ``counter_update``: ADD 1 to ``hits`` while under the limit, or the member to
        ``members`` while under the limit (a member counted already always passes); SET the TTL."""
        counter = self.rate_counters.get(hit.counter)
        if hit.member is None:
            holds = counter is None or counter.hits is None or counter.hits < hit.limit
        else:
            members = counter.members if counter is not None else None
            holds = not members or len(members) < hit.limit or hit.member in members

        def count() -> None:
            stored = self.rate_counters.setdefault(hit.counter, RateCounter())
            if hit.member is None:
                stored.hits = (stored.hits or 0) + 1
            else:
                stored.members = {*(stored.members or ()), hit.member}
            stored.ttl = _in_seconds(hit.expires)

        tx.write(holds, count)

    def count_hit(self, hit: CounterHit) -> int | None:
        """The count with this hit, or None when full. (For a counter of members the real store's answer is
        not meant to be read; this gives their number.)"""
        tx = Transaction()
        self._count(tx, hit)
        try:
            tx.commit()
        except ConditionFailed:
            return None
        counter = self.rate_counters[hit.counter]
        return counter.hits if hit.member is None else len(counter.members or ())


class CaseWorkWrites(InMemoryTables):
    """Decisions, the citizen after the reply, queues and the monthly report's claim (adapters/store.py):
    service/ports.py ``CaseWork``."""

    def open_items_of(
        self, queue: str, limit: int = 50, after: tuple[str, str, int] | None = None, due_by: str | None = None
    ) -> list[WorkItem]:
        """A Query of the queue index (sparse: a decided visit has no ``queue``), ``due_at <= due_by`` as the
        key condition; in the index's order (``due_at``, then the table's keys), after the exclusive ``after``."""
        found = sorted(
            (i for i in self.visits.values() if i.queue is not None and i.queue == queue),
            key=lambda i: (i.due_at, i.complaint_id, int(i.step)),
        )
        if due_by:
            found = [i for i in found if i.due_at <= due_by]
        if after is not None:
            found = [i for i in found if (i.due_at, i.complaint_id, int(i.step)) > after]
        return [copy.deepcopy(i) for i in found[:limit]]

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
        """One transaction, in PynamoDB's order: (``carries_on``) a check that that case, if there, is no
        duplicate; the audit entry; the work item if it exists undecided (it leaves its queue); the complaint
        if it exists; (``link_hash``) the link if it exists unused; (``routed_opd``) the agency's route; the
        counters."""
        if routed_opd is not None and received_at is None:
            raise ValueError("a routed case needs its received_at (the agency's list is keyed by it)")
        item = self.visits.get((complaint_id, int(step)))
        complaint = self.complaints.get(complaint_id)
        item_changes: dict[str, Any] = {
            "decision": decision,
            "decided_at": decided_at,
            "decided_by": decided_by,
            "queue": None,
            "sla_outcome": sla,
            "business_minutes": business_minutes,
        }
        if question is not None:
            item_changes["question"] = question
        for name in complaint_changes:
            if name not in _COMPLAINT_FIELDS:
                raise AttributeError(f"a complaint has no attribute {name!r}")
        changes: dict[str, Any] = {**complaint_changes, "updated_at": decided_at}
        if pending_question is not None:
            changes["pending_question"] = pending_question

        def change_complaint() -> None:
            self._set(complaint, **changes)
            if routed_opd is not None and complaint is not None:
                complaint.routed_opds = {*(complaint.routed_opds or ()), routed_opd}

        tx = Transaction()
        if carries_on:
            other = self.complaints.get(carries_on)
            tx.write(other is None or other.kind != sop.DUPLICATE, _unchanged)
        self._put_audit(tx, audit)
        tx.write(item is not None and item.decision is None, lambda: self._set(item, **item_changes))
        tx.write(complaint is not None, change_complaint)
        if link_hash:
            link = self.links.get(link_hash)
            tx.write(link is not None and link.used_at is None, lambda: self._set(link, used_at=decided_at))
        if routed_opd is not None:
            route = (routed_opd, f"{received_at}#{complaint_id}")
            tx.write(True, lambda: self.case_routes.__setitem__(route, complaint_id))
        self._commit(tx, report)

    # -- the staff's case lists (adapters/case_lists.py) ---------------------------------------------------
    def cases_received_between(
        self,
        low: str,
        high: str,
        filter: CaseFilter,
        limit: int,
        position: tuple[str, tuple[str, str] | None] | None = None,
    ) -> tuple[list[Complaint], tuple[str, tuple[str, str] | None] | None]:
        """The month index's order (month, then created_at, then id: newest first), no read budget; a position
        only when more match."""
        found = sorted(
            (c for c in self.complaints.values() if c.created_month and low <= c.created_at <= high),
            key=lambda c: (c.created_month, c.created_at, c.id),
            reverse=True,
        )
        if position is not None:
            month, after = position
            found = [
                c
                for c in found
                if (c.created_month or "") < month
                or (c.created_month == month and (after is None or (c.created_at, c.id) < after))
            ]
        matching = [copy.deepcopy(c) for c in found if filter.matches(c)]
        page = matching[:limit]
        if len(matching) > limit:  # (DynamoDB's may also hand out a position that leads to nothing more)
            return page, (page[-1].created_month or "", (page[-1].created_at, page[-1].id))
        return page, None

    def listed_cases_between(
        self,
        low: str,
        high: str,
        filter: PublicFilter,
        limit: int,
        position: tuple[str, tuple[str, str] | None] | None = None,
        budget: ReadBudget | None = None,
    ) -> tuple[list[Complaint], tuple[str, tuple[str, str] | None] | None]:
        """As ``cases_received_between``: the same order and positions, no read budget."""
        return self.cases_received_between(low, high, filter, limit, position)  # type: ignore[arg-type]

    def cases_routed_to(
        self, opd: str, low: str, high: str, limit: int, before: str | None = None
    ) -> list[tuple[str, Complaint | None]]:
        keys = sorted(
            (sort for (route_opd, sort) in self.case_routes if route_opd == opd and low <= sort <= f"{high}#~"),
            reverse=True,
        )
        if before is not None:
            keys = [k for k in keys if k < before]
        return [(k, copy.deepcopy(self.complaints.get(self.case_routes[(opd, k)]))) for k in keys[:limit]]

    def answer_question(
        self, complaint_id: str, step: int, answer: str, answered_at: str, answered_by: str, audit: AuditEntry
    ) -> None:
        """One transaction: the audit entry; the work item if its question waits (asked, not answered, not
        expired); the complaint if its question is pending (it no longer is)."""
        item = self.visits.get((complaint_id, int(step)))
        complaint = self.complaints.get(complaint_id)
        waits = item is not None and item.question is not None and item.answer is None
        tx = Transaction()
        self._put_audit(tx, audit)
        tx.write(
            waits and item is not None and item.info_expired_at is None,
            lambda: self._set(item, answer=answer, answered_at=answered_at, answered_by=answered_by),
        )
        tx.write(
            complaint is not None and complaint.pending_question is not None,
            lambda: self._set(complaint, pending_question=None, updated_at=answered_at),
        )
        self._commit(tx)

    def record_rating(
        self, complaint_id: str, rating: dict, at: str, audit: AuditEntry, report: Iterable[Delta] = ()
    ) -> None:
        """If not rated, answered (``answered_at``) and answered or closed now."""

        def holds(c: Complaint) -> bool:
            return (
                c.rating is None and c.answered_at is not None and c.status in (sop.STATUS_ANSWERED, sop.STATUS_CLOSED)
            )

        self._update_case(complaint_id, holds, {"rating": rating, "updated_at": at}, audit, report)

    def reopen_case(
        self, complaint_id: str, reopens: int, reason: str, at: str, audit: AuditEntry, report: Iterable[Delta] = ()
    ) -> None:
        """If answered, its feedback window ends after ``at`` and it was reopened ``reopens`` times so far."""

        def holds(c: Complaint) -> bool:
            in_window = c.feedback_ends_at is not None and c.feedback_ends_at > at
            return c.status == sop.STATUS_ANSWERED and in_window and int(c.reopens or 0) == reopens

        changes = {
            "status": sop.STATUS_OPEN,
            "reopens": reopens + 1,
            "reopen_pending": True,
            "reopen_reason": reason,
            "updated_at": at,
        }
        self._update_case(complaint_id, holds, changes, audit, report)

    # -- the monthly report's email (the report table's "emails" partition) ------------------------------
    def claim_report_email(self, month: str, lease: timedelta = timedelta(minutes=15)) -> bool:
        """PutItem ``claimed_at`` (now, real time) if there is no claim, or an unsent one older than ``lease``."""
        now = datetime.now(UTC)
        claim = self.report_emails.get(month)
        stale = claim is not None and claim.claimed_at is not None and claim.claimed_at < (now - lease).isoformat()
        if claim is not None and not (claim.sent_at is None and stale):
            return False
        self.report_emails[month] = ReportEmail(claimed_at=now.isoformat())
        return True

    def mark_report_email_sent(self, month: str) -> None:
        """UpdateItem (creating it) ``sent_at`` = now."""
        self.report_emails.setdefault(month, ReportEmail()).sent_at = datetime.now(UTC).isoformat()

    def release_report_email(self, month: str) -> None:
        """DeleteItem if not sent (no item: nothing happens); a sent one stays (ConditionFailed; the real store
        lets PynamoDB's DeleteError out)."""
        claim = self.report_emails.get(month)
        if claim is not None and claim.sent_at is not None:
            raise ConditionFailed()
        self.report_emails.pop(month, None)


class AttachmentWrites(InMemoryTables):
    """Attachments' slots and settling (adapters/attachment_store.py): service/ports.py ``AttachmentRecords``."""

    def reserve_attachment(self, attachment: Attachment, audit: AuditEntry, limit: int, open_status: str) -> None:
        """One transaction: put the attachment if its key is new, the audit entry; ADD 1 to the complaint's
        ``attachment_count`` if it exists, has ``open_status`` and its count is under ``limit``."""
        key = (attachment.complaint_id, attachment.attachment_id)
        complaint = self.complaints.get(attachment.complaint_id)
        stored = _ttl_in_seconds(as_record(attachment, Attachment))
        tx = Transaction()
        tx.write(key not in self.attachments_, lambda: self.attachments_.__setitem__(key, stored))
        self._put_audit(tx, audit)
        has_slot = complaint is not None and complaint.status == open_status and complaint.attachment_count < limit
        tx.write(has_slot, lambda: self._add_slots(attachment.complaint_id, 1))
        self._commit(tx)

    def accept_attachment(
        self,
        attachment: Attachment,
        size: int,
        detected_type: str,
        etag: str,
        checked_at: str,
        audit: AuditEntry,
        unless_case_status: str,
    ) -> None:
        """One transaction: a check that the complaint exists without ``unless_case_status``; the audit entry;
        the attachment if it exists pending (it keeps its slot)."""
        complaint = self.complaints.get(attachment.complaint_id)
        changes = {"status": ACCEPTED, "size": size, "detected_type": detected_type, "etag": etag}
        tx = Transaction()
        tx.write(complaint is not None and complaint.status != unless_case_status, _unchanged)
        self._put_audit(tx, audit)
        self._settle(tx, attachment, {**changes, "checked_at": checked_at})
        self._commit(tx)

    def reject_attachment(
        self,
        attachment: Attachment,
        reason: str,
        checked_at: str,
        audit: AuditEntry,
        size: int | None = None,
        detected_type: str | None = None,
    ) -> None:
        """One transaction: the audit entry; the attachment if it exists pending (rejected; with ``size`` that
        and ``detected_type`` if any recorded, the etag removed); the complaint's count less one if above 0."""
        changes: dict[str, Any] = {"status": REJECTED, "reject_reason": reason, "checked_at": checked_at}
        if size is not None:
            changes.update(size=size, etag=None)
            if detected_type:
                changes["detected_type"] = detected_type
        complaint = self.complaints.get(attachment.complaint_id)
        tx = Transaction()
        self._put_audit(tx, audit)
        self._settle(tx, attachment, changes)
        tx.write(
            complaint is not None and complaint.attachment_count > 0,
            lambda: self._add_slots(attachment.complaint_id, -1),
        )
        self._commit(tx)

    def _add_slots(self, complaint_id: str, count: int) -> None:
        """ADD to the complaint's ``attachment_count`` (the caller's condition found it there)."""
        complaint = self.complaints[complaint_id]
        complaint.attachment_count = int(complaint.attachment_count) + count

    def _settle(self, tx: Transaction, attachment: Attachment, changes: dict[str, Any]) -> None:
        stored = self.attachments_.get((attachment.complaint_id, attachment.attachment_id))
        tx.write(stored is not None and stored.status == PENDING, lambda: self._set(stored, **changes))

    def get_attachment(self, complaint_id: str, attachment_id: str) -> Attachment | None:
        return copy.deepcopy(self.attachments_.get((complaint_id, attachment_id)))

    def attachments(self, complaint_id: str, limit: int) -> list[Attachment]:
        """A Query on the partition: by id (which sorts as time), ``Limit`` items."""
        found = [a for (cid, _), a in sorted(self.attachments_.items()) if cid == complaint_id]
        return [copy.deepcopy(a) for a in found[:limit]]


class PersonalDataWrites(ComplaintWrites):
    """A citizen's rights over their data, revoked tokens (adapters/privacy_store.py): ``PersonalData``.

    The redactions are unconditional but for the item's existence: on a missing item this raises
    ConditionFailed, where the real store lets PynamoDB's UpdateError (or PutError) out."""

    def all_complaints_of(self, citizen_id: str, page_size: int = 100) -> list[Complaint]:
        return [copy.deepcopy(c) for c in self._by_citizen(citizen_id)]

    def correct_reporter(
        self,
        complaint_id: str,
        citizen_id: str,
        changes: dict[str, str | None],
        audit: AuditEntry,
        texts: Mapping[str, tuple[str | None, str | None]] | None = None,
    ) -> None:
        self._reporter_changed(complaint_id, citizen_id, dict(changes), audit, texts)

    def erase_reporter(
        self,
        complaint_id: str,
        citizen_id: str,
        fields: Sequence[str],
        erased_at: str,
        audit: AuditEntry,
        texts: Mapping[str, tuple[str | None, str | None]] | None = None,
    ) -> None:
        changes: dict[str, Any] = dict.fromkeys(fields)
        changes.update(personal_data_erased_at=erased_at, updated_at=erased_at)
        self._reporter_changed(complaint_id, citizen_id, changes, audit, texts)

    def _reporter_changed(
        self,
        complaint_id: str,
        citizen_id: str,
        changes: dict[str, Any],
        audit: AuditEntry,
        texts: Mapping[str, tuple[str | None, str | None]] | None = None,
    ) -> None:
        """One transaction: the audit entry; the complaint if it exists, is still the citizen's and each of
        ``texts`` is still as read (then rewritten)."""
        changes.update({name: rewritten for name, (_, rewritten) in (texts or {}).items()})
        for name in changes:
            if name not in _COMPLAINT_FIELDS:
                raise AttributeError(f"a complaint has no attribute {name!r}")

        def holds(c: Complaint) -> bool:
            return c.citizen_id == citizen_id and all(getattr(c, n) == read for n, (read, _) in (texts or {}).items())

        self._update_case(complaint_id, holds, changes, audit)

    @staticmethod
    def _update_existing(record: Any, **changes: Any) -> None:
        if record is None:
            raise ConditionFailed()
        InMemoryTables._set(record, **changes)

    def redact_audit(self, entry: AuditEntry, actor: str, details: dict) -> None:
        self._update_existing(self.audit.get((entry.complaint_id, entry.seq)), actor=actor, details=details)

    def redact_answered_by(self, item: WorkItem, answered_by: str) -> None:
        self._update_existing(self.visits.get((item.complaint_id, int(item.step))), answered_by=answered_by)

    def redact_email_record(self, record: EmailRecord, to: list[str]) -> None:
        self._update_existing(self.emails.get((record.complaint_id, record.email_key)), to=list(to))

    def erase_attachment(
        self, attachment: Attachment, reason: str, filename: str, checked_at: str, created_by: str | None
    ) -> None:
        changes: dict[str, Any] = {
            "status": REJECTED,
            "reject_reason": reason,
            "filename": filename,
            "checked_at": checked_at,
            "etag": None,
        }
        if created_by is not None:
            changes["created_by"] = created_by
        self._update_existing(self.attachments_.get((attachment.complaint_id, attachment.attachment_id)), **changes)

    def revoke_tokens(self, subject_key: str, revoked_at: int, reason: str, expires_at: int) -> None:
        """PutItem if there is no revocation or it is not later than this one (a later one wins: ConditionFailed)."""
        stored = self.revocations.get(subject_key)
        if stored is not None and stored.revoked_at > revoked_at:
            raise ConditionFailed()
        self.revocations[subject_key] = Revocation(revoked_at, reason, datetime.fromtimestamp(expires_at, UTC))

    def tokens_revoked_at(self, subject_key: str) -> int | None:
        stored = self.revocations.get(subject_key)
        return stored.revoked_at if stored is not None else None


_COMPLAINT_FIELDS = frozenset(f.name for f in fields(Complaint))


class InMemoryStore(PersonalDataWrites, CaseWorkWrites, AttachmentWrites, WorkflowWrites):
    """The whole store in memory: the case side's reads and writes, and the workflow's."""


if TYPE_CHECKING:  # mypy holds the fake to the port: every Store method, with its signature
    _conforms: Store = InMemoryStore()
    _workflow_part: WorkflowStore = WorkflowWrites()
