"""The ports: what the use cases need from the outside world, as Protocols (and the errors they raise).

The adapters implement them (adapters/), chalicelib/bootstrap.py wires them into ``Services``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ..domain.case_list import CaseFilter
from ..domain.limits import CounterHit
from ..domain.public_register import PublicFilter
from ..domain.records import ApiKey, Attachment, AuditEntry, Complaint, EmailRecord, Link, WorkItem
from ..domain.reply_templates import ReplyTemplate
from ..domain.report import Delta
from ..domain.roles import Member
from ..domain.whatsapp import Awaiting, Conversation, Status, ThreadEntry


class Workflow(Protocol):
    def start(self, complaint_id: str, execution_input: dict) -> bool: ...

    def complete(self, task_token: str, output: dict) -> bool: ...


class ConditionFailed(Exception):
    """A conditional write found the record not in the expected state (raised by the store)."""

    def __init__(self, reasons: Iterable[str | None] = ()):
        super().__init__("condition failed")
        self.reasons = list(reasons)


@dataclass(frozen=True)
class ReadBudget:
    """What one request of a month walk may read (adapters/case_lists.py): complaints examined before the
    filter, queries, and complaints asked for per query."""

    examined: int = 1000
    queries: int = 24
    page_size: int = 100


class Missing(LookupError):
    """A record that must exist (a message, a link or an earlier write names it) is not there."""


class EmailRejected(Exception):
    """The mail service refused this message for good (bad or suppressed address, unverified sender).

    Retrying cannot help, so the workflow goes on without it; the EmailsRejected metric and alarm
    tell ops. Transient failures (throttling, outages) raise anything else and are retried.
    """


class EmailOutcomeUnknown(Exception):
    """The mail service may or may not have taken the message: the request went out and no answer came
    back (a read timeout, a connection closed mid-answer). Nobody can tell which; service/workflow/outbox.py
    ``send_once`` decides what follows. A failure before the request left (no connection) is not this."""


@dataclass(frozen=True)
class SentEmail:
    message_id: str
    subject: str


class Notifier(Protocol):
    def send(
        self, to: Sequence[str], template: str, context: dict, attachments: Sequence[tuple[str, str, bytes]] = ()
    ) -> SentEmail:
        """``attachments``: (filename, content type, bytes) each."""
        ...


class WhatsAppApi(Protocol):
    """The WhatsApp Business Cloud API (Meta's Graph API; adapters/whatsapp_api.py). A refusal for good (a
    number not on WhatsApp, a template not approved) raises MessageRejected; anything else may be retried."""

    def send_text(self, to: str, text: str) -> str:
        """Free text to ``to`` (E.164); the message's id (wamid). Only within 24 hours of their last message."""
        ...

    def send_template(self, to: str, name: str, language: str, parameters: Sequence[str]) -> str:
        """An approved template with its body parameters; the message's id. Allowed at any time."""
        ...

    def media(self, media_id: str) -> tuple[bytes, str]:
        """The bytes and MIME type of a citizen's photo. Raises Missing when the media is gone."""
        ...


@dataclass(frozen=True)
class StoredConversation:
    """A phone's record: the report being written (None: idle), its version (optimistic locking: messages of
    one phone may be handled concurrently) and when the phone last wrote (the 24-hour window)."""

    conversation: Conversation | None
    version: int
    last_inbound_at: str | None


MessageRejected = EmailRejected  # the same meaning for any channel: refused for good, do not retry


class WhatsAppRecords(Protocol):
    """What the WhatsApp channel keeps (adapters/whatsapp_store.py): the conversation of each phone number
    (24-hour TTL), the ids of messages handled, what a case awaits from the citizen, and each case's thread."""

    def last_inbound_at(self, phone: str) -> str | None:
        """When ``phone`` last wrote to us (ISO), if within the conversation's life: the 24-hour window."""
        ...

    def expect_reply(self, phone: str, awaiting: Awaiting, until: str) -> None:
        """The phone's next message answers ``awaiting`` (a question, a rating) until ``until`` (ISO)."""
        ...

    def record_thread(self, complaint_id: str, entries: Sequence[ThreadEntry]) -> None:
        """Add messages to the case's thread (idempotent: an entry is keyed by its message id)."""
        ...

    def thread(self, complaint_id: str) -> list[ThreadEntry]:
        """The case's WhatsApp messages, oldest first."""
        ...

    def conversation(self, phone: str) -> StoredConversation | None:
        """The phone's record (None: never wrote, or its 24 hours ran out: the TTL's deletion may lag, so an
        adapter answers None for a record past its ``expires_at`` too)."""
        ...

    def save_turn(
        self,
        phone: str,
        message_id: str,
        at: str,
        conversation: Conversation | None,
        expected_version: int | None,
        expires_at: int,
        clear_awaiting: bool = False,
    ) -> None:
        """One transaction: the message id recorded once, the phone's conversation (None: idle) written if its
        version is still ``expected_version`` (None: no record yet), ``last_inbound_at`` = ``at``, TTL
        ``expires_at`` (epoch seconds); and the awaiting item deleted when ``clear_awaiting``. Raises
        ConditionFailed with ``reasons[0] == "ConditionalCheckFailed"`` if the message id was seen before,
        ``reasons[1] == "ConditionalCheckFailed"`` if another message moved the conversation meanwhile."""
        ...

    def seen(self, message_id: str) -> bool:
        """Whether a message with this id was handled already (its turn saved)."""
        ...

    def awaiting_reply(self, phone: str) -> tuple[Awaiting, str] | None:
        """What the phone's next message answers, and until when (ISO); None if nothing."""
        ...

    def record_status(self, status: Status, at: str) -> None:
        """A status callback for a message we sent: the thread entry with that id (if any) takes the status."""
        ...


class TokenVerifier(Protocol):
    def verify(self, token: str) -> dict:
        """The claims of a valid ID token; raises Unauthorized otherwise."""
        ...


class AccountStatus(Protocol):
    def enabled(self, username: str) -> bool:
        """Whether the staff account may still act (a disabled member's token must stop working)."""
        ...

    def forget(self) -> None: ...


class Uploads(Protocol):
    """Attachment files in object storage (adapters.uploads.S3Uploads)."""

    @property
    def origin(self) -> str:
        """Where browsers send uploads: the page's Content-Security-Policy allows it."""
        ...

    def presigned_post(self, key: str, content_type: str, max_bytes: int) -> dict: ...

    def download_url(
        self, key: str, filename: str, content_type: str, original_name: str | None = None, inline: bool = False
    ) -> str: ...

    def head(self, key: str) -> dict | None: ...

    def first_bytes(self, key: str, count: int, etag: str | None = None) -> bytes | None: ...

    def keep(self, key: str, data: bytes, content_type: str, source_etag: str) -> dict: ...

    def discard_upload(self, key: str) -> None: ...

    def put_upload(self, key: str, data: bytes, content_type: str) -> None:
        """Bytes at an upload key, as if a browser had posted them (the uploads queue checks them)."""
        ...

    def delete(self, key: str) -> None:
        """Every copy of the attachment uploaded at ``key`` (erasure: nothing of the file may remain)."""
        ...


class IdentityProvider(Protocol):
    """Citizens' and staff's accounts (adapters.cognito.CognitoIdentity): service/accounts.py."""

    def register(self, email: str, password: str, name: str, phone: str | None) -> bool:
        """Create the account; whether it is confirmed already. Raises AccountExists for a taken address."""
        ...

    def confirm(self, email: str, code: str) -> None: ...

    def login(self, email: str, password: str, new_password: str | None = None) -> dict:
        """The tokens, or ``{"challenge": "new_password_required"}`` (first login without ``new_password``).
        Raises WrongCredentials for a wrong password or an address without an account, alike."""
        ...

    def forgot_password(self, email: str) -> str | None:
        """Start a password reset: the provider emails the account's owner a code. Returns the code only
        where the provider hands it back for us to send (moto on the local stack), else None -- and None,
        without an error, for an address that has no account or cannot be reset now."""
        ...

    def reset_password(self, email: str, code: str, new_password: str) -> None:
        """Set the new password if ``code`` is the one sent; ValidationFailed naming ``code`` (wrong or
        expired, an unknown address alike) or ``new_password`` (the pool's policy) otherwise."""
        ...

    def account(self, username: str) -> dict | None:
        """What the provider holds about the account (``email``, ``name``, ``phone``, ...), or None if it is gone."""
        ...


class Directory(Protocol):
    """Staff accounts, for admins (adapters.cognito.CognitoDirectory): service/members.py."""

    def members_of(self, group: str) -> list[Member]: ...

    def find(self, email: str) -> Member | None: ...

    def create(self, email: str, name: str, groups: list[str], temporary_password: str | None) -> Member: ...

    def add_to_groups(self, email: str, groups: list[str]) -> None:
        """Idempotent: a group the account is in already is fine."""

    def reinvite(self, email: str, temporary_password: str | None) -> None:
        """A new temporary password for an invited account: without one, made and emailed by the identity
        provider (its invitation again); with one, set, and nothing is sent (the caller sends it)."""

    def disable(self, email: str) -> None: ...

    def enable(self, email: str) -> None: ...


class Workbooks(Protocol):
    """The monthly report's workbook (adapters.spreadsheet.XlsxWorkbooks): rendering it takes openpyxl, a
    library the use case should not import (nor load on a cold start)."""

    def xlsx(self, report: dict) -> bytes: ...


class Metrics(Protocol):
    def count(
        self, name: str, value: float = 1, unit: str = "Count", dimensions: dict[str, str] | None = None
    ) -> None: ...


# What claiming an email found (Store.claim_email).
EMAIL_CLAIMED, EMAIL_DONE, EMAIL_IN_FLIGHT = "claimed", "sent already", "in flight"


# -- The store: the tables as the use cases need them --------------------------------------------------
# (adapters/store.py on DynamoDB, an in-memory fake in the tests). Methods are named for what they do and
# take and return plain values (domain/records.py); every write that must not repeat is conditional and
# raises ConditionFailed.


class ComplaintRecords(Protocol):
    """Complaints: submitted, withdrawn, read (service/complaints.py, staff.py, views.py, ...)."""

    def create_complaint(
        self,
        complaint: Complaint,
        audit: AuditEntry,
        report: Iterable[Delta] = (),
        counted: CounterHit | None = None,
        token: tuple[str, int | None] | None = None,
    ) -> None:
        """The complaint, its tracking number and first audit entry, or nothing; with ``counted`` the reporter's
        rate counter goes up, with ``token`` (subject key, ``iat``) the token must not be revoked, all in one
        write. ConditionFailed reasons: ``[complaint, tracking number, audit, counter, token]``."""
        ...

    def withdraw_complaint(
        self, complaint: Complaint, audit: AuditEntry, report: Iterable[Delta] = (), counted: CounterHit | None = None
    ) -> None:
        """Take back a complaint whose execution never started (ConditionFailed if it did)."""
        ...

    def get_complaint(self, complaint_id: str) -> Complaint | None: ...

    def existing_complaint(self, complaint_id: str) -> Complaint:
        """Missing if it is not there."""
        ...

    def complaint_by_tracking_number(self, tracking_number: str) -> Complaint | None: ...

    def complaints_of(
        self, citizen_id: str, limit: int, start_key: dict | None = None
    ) -> tuple[list[Complaint], dict | None]:
        """A page of the citizen's complaints, newest first, and the next page's start key (None: no more)."""
        ...

    def audit_trail(self, complaint_id: str) -> list[AuditEntry]: ...


class CaseWork(Protocol):
    """Stage visits as people see and decide them (service/decide.py, followup.py, staff.py, reports.py)."""

    def get_work_item(self, complaint_id: str, step: int) -> WorkItem | None: ...

    def work_items(self, complaint_id: str) -> list[WorkItem]: ...

    def open_items_of(
        self, queue: str, limit: int = 50, after: tuple[str, str, int] | None = None, due_by: str | None = None
    ) -> list[WorkItem]:
        """A queue's undecided visits, soonest due first, after (due_at, complaint_id, step), due by ``due_by``."""
        ...

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
        """The decision, once (ConditionFailed if decided, the link used, or ``carries_on`` a duplicate now);
        ``routed_opd`` puts the case in that agency's case list, keyed by ``received_at`` (its ``created_at``)."""
        ...

    def answer_question(
        self, complaint_id: str, step: int, answer: str, answered_at: str, answered_by: str, audit: AuditEntry
    ) -> None:
        """The citizen's answer, once, while the question waits (ConditionFailed otherwise)."""
        ...

    def record_rating(
        self, complaint_id: str, rating: dict, at: str, audit: AuditEntry, report: Iterable[Delta] = ()
    ) -> None:
        """The rating of an answered case, once (ConditionFailed otherwise)."""
        ...

    def reopen_case(
        self, complaint_id: str, reopens: int, reason: str, at: str, audit: AuditEntry, report: Iterable[Delta] = ()
    ) -> None:
        """Reopen an answered case within its feedback window, unless reopened meanwhile (ConditionFailed)."""
        ...

    def put_link(self, link: Link) -> None:
        """ConditionFailed if its hash exists."""
        ...

    def get_link(self, token_hash: str) -> Link | None: ...

    def report_items(self, periods: Iterable[str], rows: str = "") -> tuple[list[tuple[str, str, dict[str, int]]], int]:
        """Every SLA report counter item of these periods: (period, row, counters), and how many were read;
        with ``rows``, only the rows beginning so (a key condition: the others are not read)."""
        ...

    def claim_report_email(self, month: str) -> bool:
        """False if the month's report email was sent, or is being sent."""
        ...

    def mark_report_email_sent(self, month: str) -> None: ...

    def release_report_email(self, month: str) -> None: ...


class AttachmentRecords(Protocol):
    """Attachments' slots and settling (service/attachments.py)."""

    def reserve_attachment(self, attachment: Attachment, audit: AuditEntry, limit: int, open_status: str) -> None:
        """One of the open complaint's ``limit`` slots, or ConditionFailed."""
        ...

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
        """ConditionFailed if settled meanwhile or the case has ``unless_case_status``."""
        ...

    def reject_attachment(
        self,
        attachment: Attachment,
        reason: str,
        checked_at: str,
        audit: AuditEntry,
        size: int | None = None,
        detected_type: str | None = None,
    ) -> None:
        """Rejected, its slot given back; ConditionFailed if settled meanwhile."""
        ...

    def get_attachment(self, complaint_id: str, attachment_id: str) -> Attachment | None: ...

    def attachments(self, complaint_id: str, limit: int) -> list[Attachment]: ...


class PersonalData(Protocol):
    """A citizen's rights over their data (service/privacy.py) and revoked tokens (service/access.py)."""

    def all_complaints_of(self, citizen_id: str, page_size: int = 100) -> list[Complaint]: ...

    def correct_reporter(
        self,
        complaint_id: str,
        citizen_id: str,
        changes: dict[str, str | None],
        audit: AuditEntry,
        texts: Mapping[str, tuple[str | None, str | None]] | None = None,
    ) -> None:
        """``changes``: reporter field -> value (None removes); ``texts`` rewritten as in ``erase_reporter``, in
        the same write. ConditionFailed if no longer theirs, or if a text is no longer as read."""
        ...

    def erase_reporter(
        self,
        complaint_id: str,
        citizen_id: str,
        fields: Sequence[str],
        erased_at: str,
        audit: AuditEntry,
        texts: Mapping[str, tuple[str | None, str | None]] | None = None,
    ) -> None:
        """Remove ``fields`` and rewrite ``texts`` (field -> (as read, rewritten)) in one write. ConditionFailed if
        erased already, or if a text is no longer as read (written meanwhile, or not)."""
        ...

    def redact_audit(self, entry: AuditEntry, actor: str, details: dict) -> None: ...

    def redact_answered_by(self, item: WorkItem, answered_by: str) -> None: ...

    def email_records(self, complaint_id: str) -> list[EmailRecord]: ...

    def redact_email_record(self, record: EmailRecord, to: list[str]) -> None: ...

    def erase_attachment(
        self, attachment: Attachment, reason: str, filename: str, checked_at: str, created_by: str | None
    ) -> None: ...

    def revoke_tokens(self, subject_key: str, revoked_at: int, reason: str, expires_at: int) -> None: ...

    def tokens_revoked_at(self, subject_key: str) -> int | None: ...


class RateCounters(Protocol):
    """Fixed-window rate counters (service/rate_limits.py)."""

    def count_hit(self, hit: CounterHit) -> int | None:
        """The window's count with this hit, or None (nothing counted) when it is full."""
        ...


class CaseLists(Protocol):
    """The staff's case lists (service/case_list.py), by index queries only (adapters/case_lists.py)."""

    def cases_received_between(
        self,
        low: str,
        high: str,
        filter: CaseFilter,
        limit: int,
        position: tuple[str, tuple[str, str] | None] | None = None,
    ) -> tuple[list[Complaint], tuple[str, tuple[str, str] | None] | None]:
        """Complaints created in [low, high] matching ``filter``, newest first, at most ``limit`` (fewer when the
        read budget runs out), from ``position`` = (month, (created_at, id) of the last one read, or None);
        and the next page's position, or None at the end."""
        ...

    def listed_cases_between(
        self,
        low: str,
        high: str,
        filter: PublicFilter,
        limit: int,
        position: tuple[str, tuple[str, str] | None] | None = None,
        budget: ReadBudget | None = None,
    ) -> tuple[list[Complaint], tuple[str, tuple[str, str] | None] | None]:
        """As ``cases_received_between``, for the public register: only complaints ``filter.matches`` (listed,
        the filters, ``q`` on the published text), within ``budget``."""
        ...

    def cases_routed_to(
        self, opd: str, low: str, high: str, limit: int, before: str | None = None
    ) -> list[tuple[str, Complaint | None]]:
        """Up to ``limit`` of the agency's routes (every case ever routed to it) created in [low, high], newest
        first, after the route key ``before`` (``<created_at>#<id>``): each key with its complaint."""
        ...


class CaseStore(ComplaintRecords, CaseWork, CaseLists, AttachmentRecords, PersonalData, RateCounters, Protocol):
    """What the use cases outside the workflow need of the store."""


class Open311Records(Protocol):
    """Open311's API keys and its reads of complaints (adapters/open311_store.py): service/api_keys.py, open311.py."""

    def create_api_key(self, key: ApiKey) -> None:
        """ConditionFailed (reasons ``[organisation, key]``) when the organisation has an active key."""
        ...

    def api_key(self, api: str, key_id: str) -> ApiKey | None: ...

    def api_key_of(self, organisation_key: str) -> str | None: ...

    def api_keys(self, api: str) -> list[ApiKey]: ...

    def revoke_api_key(self, key: ApiKey, at: str, by: str) -> None:
        """ConditionFailed if revoked already."""
        ...

    def touch_api_key(self, key: ApiKey, at: str) -> None: ...

    def complaints_by_tracking_numbers(self, numbers: Iterable[str]) -> list[Complaint]: ...

    def complaints_created_between(
        self,
        start: datetime,
        end: datetime,
        limit: int,
        statuses: Iterable[str] = (),
        services: Iterable[tuple[str, str]] = (),
    ) -> list[Complaint]: ...


class ReplyTemplates(Protocol):
    """Reply templates (adapters/template_store.py): service/reply_templates.py, the staff case view."""

    def reply_templates(self, scope: str) -> list[ReplyTemplate]: ...

    def reply_template(self, scope: str, template_id: str) -> ReplyTemplate | None: ...

    def add_reply_template(self, template: ReplyTemplate) -> None: ...

    def replace_reply_template(self, template: ReplyTemplate) -> None:
        """ConditionFailed if it was deleted meanwhile."""
        ...

    def delete_reply_template(self, scope: str, template_id: str) -> None:
        """ConditionFailed if it is not there."""
        ...


# -- What the workflow (service/workflow/) needs of the store ---------------------------------------------
# Its writes are adapters/workflow_store.py (StageStore, a mixin of Store); each is one conditional write or
# transaction and raises ConditionFailed when a redelivered message finds it done.


class WorkflowStore(Protocol):
    def get_complaint(self, complaint_id: str) -> Complaint | None: ...

    def existing_complaint(self, complaint_id: str) -> Complaint:
        """Raises Missing if it is not there."""
        ...

    def get_work_item(self, complaint_id: str, step: int) -> WorkItem | None: ...

    def existing_work_item(self, complaint_id: str, step: int) -> WorkItem:
        """Raises Missing if it is not there."""
        ...

    # emails, each once (service/workflow/outbox.py)
    def claim_email(
        self, complaint_id: str, key: str, now: str, lease_until: str, links: Sequence[Link] = ()
    ) -> str: ...

    def get_email(self, complaint_id: str, key: str) -> EmailRecord | None: ...

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
    ) -> None: ...

    def mark_email_rejected(self, complaint_id: str, key: str, code: str, template: str, to: list[str]) -> None: ...

    def release_email(self, complaint_id: str, key: str, lease_until: str) -> None: ...

    # a stage visit, its wait and its clock
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
        """False, changing nothing, if the visit's work item exists already."""
        ...

    def record_task_token(self, complaint_id: str, step: int, token: str, sent_at: str) -> WorkItem: ...

    def mark_assigned_notified(self, complaint_id: str, step: int) -> None: ...

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
    ) -> None: ...

    # the citizen's question
    def plan_answer_wait(self, complaint_id: str, step: int, remind_at: str, expires_at: str) -> WorkItem: ...

    def record_answer_token(self, complaint_id: str, step: int, token: str, sent_at: str) -> WorkItem: ...

    def record_question_reminder(self, complaint_id: str, step: int, at: str, audit: AuditEntry) -> None: ...

    def expire_question(self, complaint_id: str, step: int, at: str) -> None: ...

    # the end of a round
    def close_open_case(
        self,
        complaint_id: str,
        at: str,
        audit: AuditEntry,
        report: Iterable[Delta] = (),
        reason: str | None = None,
        drop_question: bool = False,
    ) -> None: ...

    def record_reply_delivered(
        self,
        complaint_id: str,
        at: str,
        feedback_ends_at: str,
        audit: AuditEntry,
        report: Iterable[Delta] = (),
        sop_outcome: str | None = None,
        step: int | None = None,
    ) -> None: ...

    def record_feedback_token(self, complaint_id: str, token: str, sent_at: str) -> None: ...

    def close_answered_case(
        self, complaint_id: str, at: str, audit: AuditEntry, report: Iterable[Delta] = (), step: int | None = None
    ) -> None: ...


class Store(CaseStore, WorkflowStore, Protocol):
    """The whole store (adapters/store.py)."""
