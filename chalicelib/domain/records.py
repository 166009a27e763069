"""The records the use cases read and write: plain values, one per stored item.

The store (service/ports.py ``Store``; adapters/store.py on DynamoDB, tests/fakes on a dict) takes and
returns these, so no use case sees PynamoDB. Each mirrors one table model in adapters/tables.py, field
for field; that file says what each field means and which are keys.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass
class Complaint:
    """ComplaintModel (adapters/tables.py says what each field means)."""

    category: str
    created_at: str
    description: str
    id: str
    status: str
    subcategory: str
    title: str
    tracking_number: str
    updated_at: str
    account_id: str | None = None
    anonymous: bool = False
    answered_at: str | None = None
    attachment_count: int = 0
    channel: str = "web"
    citizen_email: str | None = None
    citizen_id: str | None = None
    citizen_name: str | None = None
    citizen_phone: str | None = None
    close_reason: str | None = None
    closed_at: str | None = None
    confidential: bool = False
    created_month: str | None = None
    device_id: str | None = None
    due_at: str | None = None
    duplicate_of: str | None = None
    entered_by: str | None = None
    external_ref: str | None = None
    feedback_ends_at: str | None = None
    feedback_token: str | None = None
    feedback_token_sent_at: str | None = None
    kind: str | None = None
    latitude: float | None = None
    location: str | None = None
    longitude: float | None = None
    media_url: str | None = None
    notified: set[str] | None = None
    opd: str | None = None
    opd_response: str | None = None
    overdue: bool = False
    paused_seconds: float = 0
    pending_question: dict[str, Any] | None = None
    personal_data_erased_at: str | None = None
    public: bool | None = None
    rating: dict[str, Any] | None = None
    reopen_pending: bool = False
    reopen_reason: str | None = None
    reopens: int = 0
    reply: str | None = None
    request_fingerprint: str | None = None
    routed_opds: set[str] | None = None
    sop_due_at: str | None = None
    sop_outcome: str | None = None
    stage: str | None = None
    step: int = 0


@dataclass
class WorkItem:
    """WorkItemModel (adapters/tables.py says what each field means)."""

    complaint_id: str
    due_at: str
    entered_at: str
    remind_at: str
    role: str
    stage: str
    step: int
    answer: str | None = None
    answer_token: str | None = None
    answer_token_sent_at: str | None = None
    answered_at: str | None = None
    answered_by: str | None = None
    assigned_notified: bool = False
    business_minutes: float | None = None
    carried_seconds: float = 0
    category: str | None = None
    channel: str | None = None
    context: dict[str, Any] | None = None
    decided_at: str | None = None
    decided_by: str | None = None
    decision: dict[str, Any] | None = None
    escalations: int = 0
    followups: bool = False
    info_expired_at: str | None = None
    info_expires_at: str | None = None
    info_remind_at: str | None = None
    info_reminded_at: str | None = None
    last_tick: str | None = None
    last_tick_action: str | None = None
    last_tick_at: str | None = None
    opd: str | None = None
    overdue: bool = False
    question: str | None = None
    queue: str | None = None
    received_at: str | None = None
    reminded_at: str | None = None
    sla_outcome: str | None = None
    task_token: str | None = None
    title: str | None = None
    token_sent_at: str | None = None
    tracking_number: str | None = None


@dataclass
class Link:
    """LinkModel (adapters/tables.py says what each field means)."""

    complaint_id: str
    expires_at: str
    role: str
    step: int
    token_hash: str
    ttl: datetime | None = None
    used_at: str | None = None


@dataclass
class AuditEntry:
    """AuditModel (adapters/tables.py says what each field means)."""

    action: str
    actor: str
    at: str
    complaint_id: str
    seq: str
    details: dict[str, Any] | None = None
    stage: str | None = None


@dataclass
class Attachment:
    """AttachmentModel (adapters/tables.py says what each field means)."""

    attachment_id: str
    complaint_id: str
    content_type: str
    created_at: str
    filename: str
    s3_key: str
    size: int
    status: str
    checked_at: str | None = None
    created_by: str | None = None
    detected_type: str | None = None
    etag: str | None = None
    reject_reason: str | None = None
    ttl: datetime | None = None


@dataclass
class EmailRecord:
    """EmailModel (adapters/tables.py says what each field means)."""

    complaint_id: str
    email_key: str
    attempts: int = 0
    lease_until: str | None = None
    rejected: str | None = None
    sent_at: str | None = None
    ses_message_id: str | None = None
    subject: str | None = None
    template: str | None = None
    to: list[str] | None = None


@dataclass
class ApiKey:
    """ApiKeyModel (adapters/tables.py says what each field means)."""

    api: str
    created_at: str
    created_by: str
    key_hash: str
    key_id: str
    organisation: str
    organisation_key: str
    last_used_at: str | None = None
    revoked_at: str | None = None
    revoked_by: str | None = None


def new_audit_entry(
    complaint_id: str, at: str, actor: str, action: str, stage: str | None = None, details: dict[str, Any] | None = None
) -> AuditEntry:
    """A fresh audit entry: its ``seq`` is the time and 8 random hex digits, so entries sort as time and two
    written in the same millisecond never collide (the store writes it only if the seq is new)."""
    return AuditEntry(
        action=action,
        actor=actor,
        at=at,
        complaint_id=complaint_id,
        seq=f"{at}#{secrets.token_hex(4)}",
        details=details or None,
        stage=stage,
    )
