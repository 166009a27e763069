"""The ports: what the use cases need from the outside world, as Protocols (and the errors they raise).

The adapters implement them (adapters/), chalicelib/bootstrap.py wires them into ``Services``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol


class Workflow(Protocol):
    def start(self, complaint_id: str, execution_input: dict) -> bool: ...

    def complete(self, task_token: str, output: dict) -> bool: ...


class ConditionFailed(Exception):
    """A conditional write found the record not in the expected state (raised by the store)."""

    def __init__(self, reasons: Iterable[str | None] = ()):
        super().__init__("condition failed")
        self.reasons = list(reasons)


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

    def download_url(self, key: str, filename: str, content_type: str, original_name: str | None = None) -> str: ...

    def head(self, key: str) -> dict | None: ...

    def first_bytes(self, key: str, count: int, etag: str | None = None) -> bytes | None: ...

    def keep(self, key: str, data: bytes, content_type: str, source_etag: str) -> dict: ...

    def discard_upload(self, key: str) -> None: ...

    def delete(self, key: str) -> None:
        """Every copy of the attachment uploaded at ``key`` (erasure: nothing of the file may remain)."""
        ...


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


# -- What the workflow (service/workflow/) needs of the store ---------------------------------------------
# Its writes are adapters/workflow_store.py (StageStore, a mixin of Store); each is one conditional write or
# transaction and raises ConditionFailed when a redelivered message finds it done.
from typing import TYPE_CHECKING  # noqa: E402  (with the Protocol below: the store's part of this file grows above)

if TYPE_CHECKING:
    from ..domain.records import AuditEntry, Complaint, EmailRecord, Link, WorkItem
    from ..domain.report import Delta


class WorkflowStore(Protocol):
    def get_complaint(self, complaint_id: str) -> Complaint | None: ...

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
